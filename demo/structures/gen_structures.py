#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generator for the sdmxd demonstration SDMX-ML 2.1 structure messages.

Writes, next to this script, five numbered SDMX-ML 2.1 Structure messages
that the server loads in order:

  01_common.xml            organisation schemes, common codelists (incl. UN M49
                           CL_AREA), the SDMXD:CS_SDMXD concept scheme
  02_sdg.xml               SDG codelists, SDMXD:DSD_SDG, SDMXD:DF_SDG
  03_migration.xml         SDMXD:DSD_MIGRANT_STOCK, SDMXD:DF_MIGRANT_STOCK
  04_digital_economy.xml   digital economy codelists, DSD and dataflow
  05_registry.xml          category schemes, categorisations, metadata
                           structure and metadataflow, hierarchical codelist,
                           structure set, reporting taxonomy, process,
                           constraints and provision agreements

Standard library only; the output is deterministic (fixed Prepared
timestamp, stable ordering).  After writing, the script checks that every
reference resolves to an artefact defined in the same or an earlier file and
that every referenced item exists.  Validate with:

  for f in demo/structures/0*.xml; do
    xmllint --noout --schema SDMXMessage.xsd "$f"; done

Usage: python3 gen_structures.py [--check-only]
"""

import os
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
AG = "SDMXD"            # maintenance agency of every demo artefact
V = "1.0"               # version of every demo artefact
PREPARED = "2024-06-01T00:00:00Z"
LANGS = ("en", "fr", "es", "ru", "zh", "ar")

NS_MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
NS_STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
NS_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"

# --------------------------------------------------------------------------
# URN / reference metadata per class: (package, urn class path)
# --------------------------------------------------------------------------
CLS = {
    "AgencyScheme": ("base", "base.AgencyScheme"),
    "Agency": ("base", "base.Agency"),
    "DataProviderScheme": ("base", "base.DataProviderScheme"),
    "DataProvider": ("base", "base.DataProvider"),
    "DataConsumerScheme": ("base", "base.DataConsumerScheme"),
    "DataConsumer": ("base", "base.DataConsumer"),
    "OrganisationUnitScheme": ("base", "base.OrganisationUnitScheme"),
    "OrganisationUnit": ("base", "base.OrganisationUnit"),
    "Codelist": ("codelist", "codelist.Codelist"),
    "Code": ("codelist", "codelist.Code"),
    "HierarchicalCodelist": ("codelist", "codelist.HierarchicalCodelist"),
    "Hierarchy": ("codelist", "codelist.Hierarchy"),
    "HierarchicalCode": ("codelist", "codelist.HierarchicalCode"),
    "ConceptScheme": ("conceptscheme", "conceptscheme.ConceptScheme"),
    "Concept": ("conceptscheme", "conceptscheme.Concept"),
    "DataStructure": ("datastructure", "datastructure.DataStructure"),
    "Dataflow": ("datastructure", "datastructure.Dataflow"),
    "Dimension": ("datastructure", "datastructure.Dimension"),
    "TimeDimension": ("datastructure", "datastructure.TimeDimension"),
    "DataAttribute": ("datastructure", "datastructure.DataAttribute"),
    "PrimaryMeasure": ("datastructure", "datastructure.PrimaryMeasure"),
    "DimensionDescriptor": ("datastructure", "datastructure.DimensionDescriptor"),
    "AttributeDescriptor": ("datastructure", "datastructure.AttributeDescriptor"),
    "MeasureDescriptor": ("datastructure", "datastructure.MeasureDescriptor"),
    "GroupDimensionDescriptor": ("datastructure", "datastructure.GroupDimensionDescriptor"),
    "CategoryScheme": ("categoryscheme", "categoryscheme.CategoryScheme"),
    "Category": ("categoryscheme", "categoryscheme.Category"),
    "Categorisation": ("categoryscheme", "categoryscheme.Categorisation"),
    "ReportingTaxonomy": ("categoryscheme", "categoryscheme.ReportingTaxonomy"),
    "ReportingCategory": ("categoryscheme", "categoryscheme.ReportingCategory"),
    "MetadataStructure": ("metadatastructure", "metadatastructure.MetadataStructure"),
    "Metadataflow": ("metadatastructure", "metadatastructure.Metadataflow"),
    "MetadataTarget": ("metadatastructure", "metadatastructure.MetadataTarget"),
    "IdentifiableObjectTarget": ("metadatastructure", "metadatastructure.IdentifiableObjectTarget"),
    "ReportPeriodTarget": ("metadatastructure", "metadatastructure.ReportPeriodTarget"),
    "ReportStructure": ("metadatastructure", "metadatastructure.ReportStructure"),
    "MetadataAttribute": ("metadatastructure", "metadatastructure.MetadataAttribute"),
    "StructureSet": ("mapping", "mapping.StructureSet"),
    "CodelistMap": ("mapping", "mapping.CodelistMap"),
    "StructureMap": ("mapping", "mapping.StructureMap"),
    "Process": ("process", "process.Process"),
    "ProcessStep": ("process", "process.ProcessStep"),
    "ContentConstraint": ("registry", "registry.ContentConstraint"),
    "AttachmentConstraint": ("registry", "registry.AttachmentConstraint"),
    "ProvisionAgreement": ("registry", "registry.ProvisionAgreement"),
}

# Item class of each item scheme class (used by the reference checker)
ITEM_OF = {
    "AgencyScheme": "Agency", "DataProviderScheme": "DataProvider",
    "DataConsumerScheme": "DataConsumer",
    "OrganisationUnitScheme": "OrganisationUnit", "Codelist": "Code",
    "ConceptScheme": "Concept", "CategoryScheme": "Category",
    "ReportingTaxonomy": "ReportingCategory",
}


def murn(cls, agency, mid, ver=V):
    """URN of a maintainable artefact."""
    return "urn:sdmx:org.sdmx.infomodel.%s=%s:%s(%s)" % (CLS[cls][1], agency, mid, ver)


def iurn(cls, agency, mid, ver, *path):
    """URN of an identifiable inside a maintainable (dotted path)."""
    return "%s=%s:%s(%s).%s" % ("urn:sdmx:org.sdmx.infomodel." + CLS[cls][1],
                                agency, mid, ver, ".".join(path))


# --------------------------------------------------------------------------
# Minimal deterministic XML writer
# --------------------------------------------------------------------------
def _attrs(attrs):
    out = []
    for k, v in attrs:
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        out.append(' %s="%s"' % (k, escape(str(v), {'"': "&quot;"})))
    return "".join(out)


class W:
    def __init__(self):
        self.buf = []
        self.depth = 0

    def open(self, tag, *attrs):
        self.buf.append("\t" * self.depth + "<%s%s>" % (tag, _attrs(attrs)))
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.buf.append("\t" * self.depth + "</%s>" % tag)

    def empty(self, tag, *attrs):
        self.buf.append("\t" * self.depth + "<%s%s/>" % (tag, _attrs(attrs)))

    def text(self, tag, text, *attrs):
        self.buf.append("\t" * self.depth + "<%s%s>%s</%s>" % (tag, _attrs(attrs), escape(str(text)), tag))

    def getvalue(self):
        return "\n".join(self.buf) + "\n"


def lang_items(d):
    """Yield (lang, text) in canonical order; d is a dict lang->text."""
    for lang in LANGS:
        if lang in d and d[lang]:
            yield lang, d[lang]
    for lang in sorted(d):
        if lang not in LANGS:
            raise ValueError("unexpected language %r" % lang)


def tr(en, fr, es, ru=None, zh=None, ar=None):
    d = {"en": en, "fr": fr, "es": es}
    if ru:
        d["ru"] = ru
    if zh:
        d["zh"] = zh
    if ar:
        d["ar"] = ar
    return d


def names(w, d, tag="com:Name"):
    for lang, t in lang_items(d):
        w.text(tag, t, ("xml:lang", lang))


def annotations(w, anns):
    """anns: list of dicts with keys id, title, type, url, text (lang dict)."""
    if not anns:
        return
    w.open("com:Annotations")
    for a in anns:
        w.open("com:Annotation", ("id", a.get("id")))
        if a.get("title"):
            w.text("com:AnnotationTitle", a["title"])
        if a.get("type"):
            w.text("com:AnnotationType", a["type"])
        if a.get("url"):
            w.text("com:AnnotationURL", a["url"])
        for lang, t in lang_items(a.get("text", {})):
            w.text("com:AnnotationText", t, ("xml:lang", lang))
        w.close("com:Annotation")
    w.close("com:Annotations")


def ref(w, tag, cls, mid, agency=AG, ver=V):
    """Full reference to a maintainable artefact."""
    w.open(tag)
    w.empty("Ref", ("agencyID", agency), ("id", mid), ("version", ver),
            ("class", cls), ("package", CLS[cls][0]))
    w.close(tag)


def item_ref(w, tag, cls, scheme, item, agency=AG, ver=V):
    """Full reference to an item of an item scheme."""
    w.open(tag)
    w.empty("Ref", ("agencyID", agency), ("maintainableParentID", scheme),
            ("maintainableParentVersion", ver), ("id", item),
            ("class", cls), ("package", CLS[cls][0]))
    w.close(tag)


def concept_ref(w, tag, concept):
    item_ref(w, tag, "Concept", "CS_SDMXD", concept)


def maint_open(w, tag, cls, mid, nm, desc=None, anns=None, agency=AG,
               final=True, extra=()):
    attrs = [("urn", murn(cls, agency, mid)), ("isExternalReference", False),
             ("agencyID", agency), ("id", mid)]
    if final is not None:
        attrs.append(("isFinal", final))
    attrs.append(("version", V))
    attrs.extend(extra)
    w.open(tag, *attrs)
    annotations(w, anns)
    names(w, nm)
    if desc:
        names(w, desc, "com:Description")


def header(w, msg_id):
    w.buf.append('<?xml version="1.0" encoding="UTF-8"?>')
    w.open("mes:Structure", ("xmlns:mes", NS_MES), ("xmlns:str", NS_STR),
           ("xmlns:com", NS_COM),
           ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
           ("xsi:schemaLocation", NS_MES + " SDMXMessage.xsd"))
    w.open("mes:Header")
    w.text("mes:ID", msg_id)
    w.text("mes:Test", "false")
    w.text("mes:Prepared", PREPARED)
    w.open("mes:Sender", ("id", AG))
    names(w, tr("sdmxd demonstration hub", "Plateforme de démonstration sdmxd",
                "Plataforma de demostración de sdmxd"), "com:Name")
    w.close("mes:Sender")
    w.close("mes:Header")
    w.open("mes:Structures")


def footer(w):
    w.close("mes:Structures")
    w.close("mes:Structure")


# ==========================================================================
# DATA TABLES
# ==========================================================================

# --------------------------------------------------------------------------
# UN M49 Standard country or area codes for statistical use.
# code | parent (region, sub-region or intermediate region) | en | fr | es
# Regions first (parents before children), then countries and areas.
# --------------------------------------------------------------------------
M49_REGIONS = """
001||World|Monde|Mundo|Мир|世界|العالم
002|001|Africa|Afrique|África|Африка|非洲|أفريقيا
015|002|Northern Africa|Afrique du Nord|África septentrional|Северная Африка|北非|شمال أفريقيا
202|002|Sub-Saharan Africa|Afrique subsaharienne|África subsahariana|Африка к югу от Сахары|撒哈拉以南非洲|أفريقيا جنوب الصحراء الكبرى
014|202|Eastern Africa|Afrique orientale|África oriental|Восточная Африка|东部非洲|شرق أفريقيا
017|202|Middle Africa|Afrique centrale|África central|Центральная Африка|中部非洲|وسط أفريقيا
018|202|Southern Africa|Afrique australe|África meridional|Южная часть Африки|南部非洲|الجنوب الأفريقي
011|202|Western Africa|Afrique de l'Ouest|África occidental|Западная Африка|西部非洲|غرب أفريقيا
019|001|Americas|Amériques|Américas|Северная и Южная Америка|美洲|الأمريكتان
419|019|Latin America and the Caribbean|Amérique latine et Caraïbes|América Latina y el Caribe|Латинская Америка и Карибский бассейн|拉丁美洲和加勒比|أمريكا اللاتينية ومنطقة البحر الكاريبي
029|419|Caribbean|Caraïbes|El Caribe|Карибский бассейн|加勒比|منطقة البحر الكاريبي
013|419|Central America|Amérique centrale|Centroamérica|Центральная Америка|中美洲|أمريكا الوسطى
005|419|South America|Amérique du Sud|América del Sur|Южная Америка|南美洲|أمريكا الجنوبية
021|019|Northern America|Amérique septentrionale|América septentrional|Северная Америка|北美|أمريكا الشمالية
142|001|Asia|Asie|Asia|Азия|亚洲|آسيا
143|142|Central Asia|Asie centrale|Asia central|Центральная Азия|中亚|آسيا الوسطى
030|142|Eastern Asia|Asie orientale|Asia oriental|Восточная Азия|东亚|شرق آسيا
035|142|South-eastern Asia|Asie du Sud-Est|Asia sudoriental|Юго-Восточная Азия|东南亚|جنوب شرق آسيا
034|142|Southern Asia|Asie du Sud|Asia meridional|Южная Азия|南亚|جنوب آسيا
145|142|Western Asia|Asie occidentale|Asia occidental|Западная Азия|西亚|غرب آسيا
150|001|Europe|Europe|Europa|Европа|欧洲|أوروبا
151|150|Eastern Europe|Europe orientale|Europa oriental|Восточная Европа|东欧|أوروبا الشرقية
154|150|Northern Europe|Europe septentrionale|Europa septentrional|Северная Европа|北欧|أوروبا الشمالية
830|154|Channel Islands|Îles Anglo-Normandes|Islas del Canal|Нормандские острова|海峡群岛|جزر القنال
039|150|Southern Europe|Europe méridionale|Europa meridional|Южная Европа|南欧|أوروبا الجنوبية
155|150|Western Europe|Europe occidentale|Europa occidental|Западная Европа|西欧|أوروبا الغربية
009|001|Oceania|Océanie|Oceanía|Океания|大洋洲|أوقيانوسيا
053|009|Australia and New Zealand|Australie et Nouvelle-Zélande|Australia y Nueva Zelandia|Австралия и Новая Зеландия|澳大利亚和新西兰|أستراليا ونيوزيلندا
054|009|Melanesia|Mélanésie|Melanesia|Меланезия|美拉尼西亚|ميلانيزيا
057|009|Micronesia|Micronésie|Micronesia|Микронезия|密克罗尼西亚|ميكرونيزيا
061|009|Polynesia|Polynésie|Polinesia|Полинезия|波利尼西亚|بولينيزيا
"""

M49_COUNTRIES = """
012|015|Algeria|Algérie|Argelia
818|015|Egypt|Égypte|Egipto
434|015|Libya|Libye|Libia
504|015|Morocco|Maroc|Marruecos
729|015|Sudan|Soudan|Sudán
788|015|Tunisia|Tunisie|Túnez
732|015|Western Sahara|Sahara occidental|Sáhara Occidental
086|014|British Indian Ocean Territory|Territoire britannique de l'océan Indien|Territorio Británico del Océano Índico
108|014|Burundi|Burundi|Burundi
174|014|Comoros|Comores|Comoras
262|014|Djibouti|Djibouti|Djibouti
232|014|Eritrea|Érythrée|Eritrea
231|014|Ethiopia|Éthiopie|Etiopía
260|014|French Southern Territories|Terres australes françaises|Territorio de las Tierras Australes Francesas
404|014|Kenya|Kenya|Kenya
450|014|Madagascar|Madagascar|Madagascar
454|014|Malawi|Malawi|Malawi
480|014|Mauritius|Maurice|Mauricio
175|014|Mayotte|Mayotte|Mayotte
508|014|Mozambique|Mozambique|Mozambique
638|014|Réunion|Réunion|Reunión
646|014|Rwanda|Rwanda|Rwanda
690|014|Seychelles|Seychelles|Seychelles
706|014|Somalia|Somalie|Somalia
728|014|South Sudan|Soudan du Sud|Sudán del Sur
800|014|Uganda|Ouganda|Uganda
834|014|United Republic of Tanzania|République-Unie de Tanzanie|República Unida de Tanzanía
894|014|Zambia|Zambie|Zambia
716|014|Zimbabwe|Zimbabwe|Zimbabwe
024|017|Angola|Angola|Angola
120|017|Cameroon|Cameroun|Camerún
140|017|Central African Republic|République centrafricaine|República Centroafricana
148|017|Chad|Tchad|Chad
178|017|Congo|Congo|Congo
180|017|Democratic Republic of the Congo|République démocratique du Congo|República Democrática del Congo
226|017|Equatorial Guinea|Guinée équatoriale|Guinea Ecuatorial
266|017|Gabon|Gabon|Gabón
678|017|Sao Tome and Principe|Sao Tomé-et-Principe|Santo Tomé y Príncipe
072|018|Botswana|Botswana|Botswana
748|018|Eswatini|Eswatini|Eswatini
426|018|Lesotho|Lesotho|Lesotho
516|018|Namibia|Namibie|Namibia
710|018|South Africa|Afrique du Sud|Sudáfrica
204|011|Benin|Bénin|Benin
854|011|Burkina Faso|Burkina Faso|Burkina Faso
132|011|Cabo Verde|Cabo Verde|Cabo Verde
384|011|Côte d'Ivoire|Côte d'Ivoire|Côte d'Ivoire
270|011|Gambia|Gambie|Gambia
288|011|Ghana|Ghana|Ghana
324|011|Guinea|Guinée|Guinea
624|011|Guinea-Bissau|Guinée-Bissau|Guinea-Bissau
430|011|Liberia|Libéria|Liberia
466|011|Mali|Mali|Malí
478|011|Mauritania|Mauritanie|Mauritania
562|011|Niger|Niger|Níger
566|011|Nigeria|Nigéria|Nigeria
654|011|Saint Helena|Sainte-Hélène|Santa Elena
686|011|Senegal|Sénégal|Senegal
694|011|Sierra Leone|Sierra Leone|Sierra Leona
768|011|Togo|Togo|Togo
660|029|Anguilla|Anguilla|Anguila
028|029|Antigua and Barbuda|Antigua-et-Barbuda|Antigua y Barbuda
533|029|Aruba|Aruba|Aruba
044|029|Bahamas|Bahamas|Bahamas
052|029|Barbados|Barbade|Barbados
535|029|Bonaire, Sint Eustatius and Saba|Bonaire, Saint-Eustache et Saba|Bonaire, San Eustaquio y Saba
092|029|British Virgin Islands|Îles Vierges britanniques|Islas Vírgenes Británicas
136|029|Cayman Islands|Îles Caïmanes|Islas Caimán
192|029|Cuba|Cuba|Cuba
531|029|Curaçao|Curaçao|Curazao
212|029|Dominica|Dominique|Dominica
214|029|Dominican Republic|République dominicaine|República Dominicana
308|029|Grenada|Grenade|Granada
312|029|Guadeloupe|Guadeloupe|Guadalupe
332|029|Haiti|Haïti|Haití
388|029|Jamaica|Jamaïque|Jamaica
474|029|Martinique|Martinique|Martinica
500|029|Montserrat|Montserrat|Montserrat
630|029|Puerto Rico|Porto Rico|Puerto Rico
652|029|Saint Barthélemy|Saint-Barthélemy|San Bartolomé
659|029|Saint Kitts and Nevis|Saint-Kitts-et-Nevis|Saint Kitts y Nevis
662|029|Saint Lucia|Sainte-Lucie|Santa Lucía
663|029|Saint Martin (French Part)|Saint-Martin (partie française)|San Martín (parte francesa)
670|029|Saint Vincent and the Grenadines|Saint-Vincent-et-les Grenadines|San Vicente y las Granadinas
534|029|Sint Maarten (Dutch part)|Saint-Martin (partie néerlandaise)|San Martín (parte neerlandesa)
780|029|Trinidad and Tobago|Trinité-et-Tobago|Trinidad y Tabago
796|029|Turks and Caicos Islands|Îles Turques-et-Caïques|Islas Turcas y Caicos
850|029|United States Virgin Islands|Îles Vierges américaines|Islas Vírgenes de los Estados Unidos
084|013|Belize|Belize|Belice
188|013|Costa Rica|Costa Rica|Costa Rica
222|013|El Salvador|El Salvador|El Salvador
320|013|Guatemala|Guatemala|Guatemala
340|013|Honduras|Honduras|Honduras
484|013|Mexico|Mexique|México
558|013|Nicaragua|Nicaragua|Nicaragua
591|013|Panama|Panama|Panamá
032|005|Argentina|Argentine|Argentina
068|005|Bolivia (Plurinational State of)|Bolivie (État plurinational de)|Bolivia (Estado Plurinacional de)
074|005|Bouvet Island|Île Bouvet|Isla Bouvet
076|005|Brazil|Brésil|Brasil
152|005|Chile|Chili|Chile
170|005|Colombia|Colombie|Colombia
218|005|Ecuador|Équateur|Ecuador
238|005|Falkland Islands (Malvinas)|Îles Falkland (Malvinas)|Islas Malvinas (Falkland)
254|005|French Guiana|Guyane française|Guayana Francesa
328|005|Guyana|Guyana|Guyana
600|005|Paraguay|Paraguay|Paraguay
604|005|Peru|Pérou|Perú
239|005|South Georgia and the South Sandwich Islands|Géorgie du Sud-et-les Îles Sandwich du Sud|Georgia del Sur y las Islas Sandwich del Sur
740|005|Suriname|Suriname|Suriname
858|005|Uruguay|Uruguay|Uruguay
862|005|Venezuela (Bolivarian Republic of)|Venezuela (République bolivarienne du)|Venezuela (República Bolivariana de)
060|021|Bermuda|Bermudes|Bermudas
124|021|Canada|Canada|Canadá
304|021|Greenland|Groenland|Groenlandia
666|021|Saint Pierre and Miquelon|Saint-Pierre-et-Miquelon|San Pedro y Miquelón
840|021|United States of America|États-Unis d'Amérique|Estados Unidos de América
010|001|Antarctica|Antarctique|Antártida
398|143|Kazakhstan|Kazakhstan|Kazajstán
417|143|Kyrgyzstan|Kirghizistan|Kirguistán
762|143|Tajikistan|Tadjikistan|Tayikistán
795|143|Turkmenistan|Turkménistan|Turkmenistán
860|143|Uzbekistan|Ouzbékistan|Uzbekistán
156|030|China|Chine|China
344|030|China, Hong Kong Special Administrative Region|Chine, région administrative spéciale de Hong Kong|China, Región Administrativa Especial de Hong Kong
446|030|China, Macao Special Administrative Region|Chine, région administrative spéciale de Macao|China, Región Administrativa Especial de Macao
408|030|Democratic People's Republic of Korea|République populaire démocratique de Corée|República Popular Democrática de Corea
392|030|Japan|Japon|Japón
496|030|Mongolia|Mongolie|Mongolia
410|030|Republic of Korea|République de Corée|República de Corea
096|035|Brunei Darussalam|Brunéi Darussalam|Brunei Darussalam
116|035|Cambodia|Cambodge|Camboya
360|035|Indonesia|Indonésie|Indonesia
418|035|Lao People's Democratic Republic|République démocratique populaire lao|República Democrática Popular Lao
458|035|Malaysia|Malaisie|Malasia
104|035|Myanmar|Myanmar|Myanmar
608|035|Philippines|Philippines|Filipinas
702|035|Singapore|Singapour|Singapur
764|035|Thailand|Thaïlande|Tailandia
626|035|Timor-Leste|Timor-Leste|Timor-Leste
704|035|Viet Nam|Viet Nam|Viet Nam
004|034|Afghanistan|Afghanistan|Afganistán
050|034|Bangladesh|Bangladesh|Bangladesh
064|034|Bhutan|Bhoutan|Bhután
356|034|India|Inde|India
364|034|Iran (Islamic Republic of)|Iran (République islamique d')|Irán (República Islámica del)
462|034|Maldives|Maldives|Maldivas
524|034|Nepal|Népal|Nepal
586|034|Pakistan|Pakistan|Pakistán
144|034|Sri Lanka|Sri Lanka|Sri Lanka
051|145|Armenia|Arménie|Armenia
031|145|Azerbaijan|Azerbaïdjan|Azerbaiyán
048|145|Bahrain|Bahreïn|Bahrein
196|145|Cyprus|Chypre|Chipre
268|145|Georgia|Géorgie|Georgia
368|145|Iraq|Iraq|Iraq
376|145|Israel|Israël|Israel
400|145|Jordan|Jordanie|Jordania
414|145|Kuwait|Koweït|Kuwait
422|145|Lebanon|Liban|Líbano
512|145|Oman|Oman|Omán
634|145|Qatar|Qatar|Qatar
682|145|Saudi Arabia|Arabie saoudite|Arabia Saudita
275|145|State of Palestine|État de Palestine|Estado de Palestina
760|145|Syrian Arab Republic|République arabe syrienne|República Árabe Siria
792|145|Türkiye|Türkiye|Türkiye
784|145|United Arab Emirates|Émirats arabes unis|Emiratos Árabes Unidos
887|145|Yemen|Yémen|Yemen
112|151|Belarus|Bélarus|Belarús
100|151|Bulgaria|Bulgarie|Bulgaria
203|151|Czechia|Tchéquie|Chequia
348|151|Hungary|Hongrie|Hungría
616|151|Poland|Pologne|Polonia
498|151|Republic of Moldova|République de Moldova|República de Moldova
642|151|Romania|Roumanie|Rumania
643|151|Russian Federation|Fédération de Russie|Federación de Rusia
703|151|Slovakia|Slovaquie|Eslovaquia
804|151|Ukraine|Ukraine|Ucrania
248|154|Åland Islands|Îles d'Åland|Islas Åland
208|154|Denmark|Danemark|Dinamarca
233|154|Estonia|Estonie|Estonia
234|154|Faroe Islands|Îles Féroé|Islas Feroe
246|154|Finland|Finlande|Finlandia
831|830|Guernsey|Guernesey|Guernsey
832|830|Jersey|Jersey|Jersey
680|830|Sark|Sercq|Sark
352|154|Iceland|Islande|Islandia
372|154|Ireland|Irlande|Irlanda
833|154|Isle of Man|Île de Man|Isla de Man
428|154|Latvia|Lettonie|Letonia
440|154|Lithuania|Lituanie|Lituania
578|154|Norway|Norvège|Noruega
744|154|Svalbard and Jan Mayen Islands|Îles Svalbard-et-Jan Mayen|Islas Svalbard y Jan Mayen
752|154|Sweden|Suède|Suecia
826|154|United Kingdom of Great Britain and Northern Ireland|Royaume-Uni de Grande-Bretagne et d'Irlande du Nord|Reino Unido de Gran Bretaña e Irlanda del Norte
008|039|Albania|Albanie|Albania
020|039|Andorra|Andorre|Andorra
070|039|Bosnia and Herzegovina|Bosnie-Herzégovine|Bosnia y Herzegovina
191|039|Croatia|Croatie|Croacia
292|039|Gibraltar|Gibraltar|Gibraltar
300|039|Greece|Grèce|Grecia
336|039|Holy See|Saint-Siège|Santa Sede
380|039|Italy|Italie|Italia
470|039|Malta|Malte|Malta
499|039|Montenegro|Monténégro|Montenegro
807|039|North Macedonia|Macédoine du Nord|Macedonia del Norte
620|039|Portugal|Portugal|Portugal
674|039|San Marino|Saint-Marin|San Marino
688|039|Serbia|Serbie|Serbia
705|039|Slovenia|Slovénie|Eslovenia
724|039|Spain|Espagne|España
040|155|Austria|Autriche|Austria
056|155|Belgium|Belgique|Bélgica
250|155|France|France|Francia
276|155|Germany|Allemagne|Alemania
438|155|Liechtenstein|Liechtenstein|Liechtenstein
442|155|Luxembourg|Luxembourg|Luxemburgo
492|155|Monaco|Monaco|Mónaco
528|155|Netherlands (Kingdom of the)|Pays-Bas (Royaume des)|Países Bajos (Reino de los)
756|155|Switzerland|Suisse|Suiza
036|053|Australia|Australie|Australia
162|053|Christmas Island|Île Christmas|Isla Christmas
166|053|Cocos (Keeling) Islands|Îles des Cocos (Keeling)|Islas Cocos (Keeling)
334|053|Heard Island and McDonald Islands|Île Heard-et-Îles MacDonald|Islas Heard y McDonald
554|053|New Zealand|Nouvelle-Zélande|Nueva Zelandia
574|053|Norfolk Island|Île Norfolk|Isla Norfolk
242|054|Fiji|Fidji|Fiji
540|054|New Caledonia|Nouvelle-Calédonie|Nueva Caledonia
598|054|Papua New Guinea|Papouasie-Nouvelle-Guinée|Papua Nueva Guinea
090|054|Solomon Islands|Îles Salomon|Islas Salomón
548|054|Vanuatu|Vanuatu|Vanuatu
316|057|Guam|Guam|Guam
296|057|Kiribati|Kiribati|Kiribati
584|057|Marshall Islands|Îles Marshall|Islas Marshall
583|057|Micronesia (Federated States of)|Micronésie (États fédérés de)|Micronesia (Estados Federados de)
520|057|Nauru|Nauru|Nauru
580|057|Northern Mariana Islands|Îles Mariannes du Nord|Islas Marianas del Norte
585|057|Palau|Palaos|Palau
581|057|United States Minor Outlying Islands|Îles mineures éloignées des États-Unis|Islas menores alejadas de los Estados Unidos
016|061|American Samoa|Samoa américaines|Samoa Americana
184|061|Cook Islands|Îles Cook|Islas Cook
258|061|French Polynesia|Polynésie française|Polinesia Francesa
570|061|Niue|Nioué|Niue
612|061|Pitcairn|Pitcairn|Pitcairn
882|061|Samoa|Samoa|Samoa
772|061|Tokelau|Tokélaou|Tokelau
776|061|Tonga|Tonga|Tonga
798|061|Tuvalu|Tuvalu|Tuvalu
876|061|Wallis and Futuna Islands|Îles Wallis-et-Futuna|Islas Wallis y Futuna
"""

# Russian, Chinese and Arabic names of a few countries (multilingual tests)
M49_EXTRA_NAMES = {
    "156": ("Китай", "中国", "الصين"),
    "250": ("Франция", "法国", "فرنسا"),
    "643": ("Российская Федерация", "俄罗斯联邦", "الاتحاد الروسي"),
    "826": ("Соединенное Королевство Великобритании и Северной Ирландии",
            "大不列颠及北爱尔兰联合王国",
            "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية"),
    "840": ("Соединенные Штаты Америки", "美利坚合众国", "الولايات المتحدة الأمريكية"),
    "818": ("Египет", "埃及", "مصر"),
    "288": ("Гана", "加纳", "غانا"),
    "404": ("Кения", "肯尼亚", "كينيا"),
}

# Areas without permanent population (excluded by the SDG DSD constraint)
M49_UNINHABITED = ["010", "074", "239", "260", "334"]


def parse_m49():
    """Return ordered list of (code, parent, names dict, is_region)."""
    rows = []
    for line in M49_REGIONS.strip().splitlines():
        f = line.split("|")
        rows.append((f[0], f[1] or None, tr(*f[2:8]), True))
    for line in M49_COUNTRIES.strip().splitlines():
        f = line.split("|")
        nm = tr(*f[2:5])
        if f[0] in M49_EXTRA_NAMES:
            ru, zh, ar = M49_EXTRA_NAMES[f[0]]
            nm.update(ru=ru, zh=zh, ar=ar)
        rows.append((f[0], f[1], nm, False))
    return rows


M49 = parse_m49()
M49_CODES = [r[0] for r in M49]
M49_COUNTRY_CODES = [r[0] for r in M49 if not r[3]]
M49_REGION_CODES = [r[0] for r in M49 if r[3]]


def C(cid, en, fr, es, ru=None, zh=None, ar=None, parent=None, anns=None,
      desc=None):
    """A code (or other item) row."""
    return {"id": cid, "name": tr(en, fr, es, ru, zh, ar), "parent": parent,
            "anns": anns, "desc": desc}


# --------------------------------------------------------------------------
# Common codelists (01_common.xml)
# --------------------------------------------------------------------------
CL_FREQ = [
    C("A", "Annual", "Annuelle", "Anual", "Годовая", "年度", "سنوي"),
    C("S", "Half-yearly, semester", "Semestrielle", "Semestral", "Полугодовая", "半年度", "نصف سنوي"),
    C("Q", "Quarterly", "Trimestrielle", "Trimestral", "Квартальная", "季度", "ربع سنوي"),
    C("M", "Monthly", "Mensuelle", "Mensual", "Месячная", "月度", "شهري"),
    C("W", "Weekly", "Hebdomadaire", "Semanal", "Недельная", "每周", "أسبوعي"),
    C("D", "Daily", "Quotidienne", "Diaria", "Дневная", "每日", "يومي"),
    C("B", "Daily - business week", "Quotidienne - jours ouvrables", "Diaria - días hábiles",
      "Дневная (рабочие дни)", "每个工作日", "يومي (أيام العمل)"),
    C("H", "Hourly", "Horaire", "Por hora", "Часовая", "每小时", "كل ساعة"),
    C("N", "Minutely", "Par minute", "Por minuto", "Поминутная", "每分钟", "كل دقيقة"),
]

CL_SEX = [
    C("_T", "Total", "Total", "Total", "Всего", "合计", "المجموع"),
    C("F", "Female", "Féminin", "Femenino", "Женский", "女", "إناث",
      anns=[{"id": "SEX_F_NOTE", "type": "NOTE", "title": "Female",
             "text": tr("Women and girls.", "Femmes et filles.", "Mujeres y niñas.",
                        "Женщины и девочки.", "妇女和女童。", "النساء والفتيات.")}]),
    C("M", "Male", "Masculin", "Masculino", "Мужской", "男", "ذكور",
      anns=[{"id": "SEX_M_NOTE", "type": "NOTE", "title": "Male",
             "text": tr("Men and boys.", "Hommes et garçons.", "Hombres y niños.",
                        "Мужчины и мальчики.", "男子和男童。", "الرجال والفتيان.")}]),
    C("_U", "Unknown", "Inconnu", "Desconocido", "Неизвестно", "不详", "غير معروف"),
    C("_Z", "Not applicable", "Sans objet", "No aplicable", "Не применимо", "不适用", "لا ينطبق"),
]


def _age_code(lo, hi):
    if hi is None:
        return C("Y_GE%d" % lo, "%d years old and over" % lo, "%d ans et plus" % lo,
                 "%d años y más" % lo)
    if lo == 0:
        return C("Y0T%d" % hi, "Under %d years old" % (hi + 1), "Moins de %d ans" % (hi + 1),
                 "Menos de %d años" % (hi + 1))
    return C("Y%dT%d" % (lo, hi), "%d to %d years old" % (lo, hi), "%d à %d ans" % (lo, hi),
             "%d a %d años" % (lo, hi))


FIVE_YEAR_AGES = ["Y%dT%d" % (a, a + 4) for a in range(0, 75, 5)] + ["Y_GE75"]

CL_AGE = ([C("_T", "All age ranges or no breakdown by age",
             "Toutes les tranches d'âge ou pas de ventilation par âge",
             "Todos los rangos de edad o sin desglose por edad")]
          # five-year age groups (international migrant stock)
          + [_age_code(a, a + 4) for a in range(0, 75, 5)] + [_age_code(75, None)]
          # SDG age ranges
          + [_age_code(*r) for r in [(0, 14), (0, 17), (15, 24), (15, 49), (15, 64),
                                     (18, 24), (25, 64), (15, None),
                                     (18, None), (25, None), (65, None)]])

CL_UNIT_MULT = [
    C("0", "Units", "Unités", "Unidades"),
    C("1", "Tens", "Dizaines", "Decenas"),
    C("2", "Hundreds", "Centaines", "Centenas"),
    C("3", "Thousands", "Milliers", "Miles"),
    C("4", "Tens of thousands", "Dizaines de milliers", "Decenas de miles"),
    C("5", "Hundreds of thousands", "Centaines de milliers", "Centenas de miles"),
    C("6", "Millions", "Millions", "Millones"),
    C("9", "Billions", "Milliards", "Miles de millones"),
    C("12", "Trillions", "Billions", "Billones"),
]

CL_OBS_STATUS = [
    C("A", "Normal value", "Valeur normale", "Valor normal"),
    C("B", "Time series break", "Rupture de série", "Ruptura de serie"),
    C("D", "Definition differs", "Définition différente", "Definición diferente"),
    C("E", "Estimated value", "Valeur estimée", "Valor estimado"),
    C("F", "Forecast value", "Valeur prévue", "Valor previsto"),
    C("G", "Experimental value", "Valeur expérimentale", "Valor experimental"),
    C("I", "Imputed value (CCSA definition)", "Valeur imputée (définition du CCSA)",
      "Valor imputado (definición del CCAE)"),
    C("K", "Data included in another category", "Données incluses dans une autre catégorie",
      "Datos incluidos en otra categoría"),
    C("L", "Missing value; data exist but were not collected",
      "Valeur manquante ; les données existent mais n'ont pas été collectées",
      "Valor faltante; los datos existen pero no se recopilaron"),
    C("M", "Missing value; data cannot exist", "Valeur manquante ; les données ne peuvent exister",
      "Valor faltante; los datos no pueden existir"),
    C("N", "Not significant", "Non significatif", "No significativo"),
    C("O", "Missing value", "Valeur manquante", "Valor faltante"),
    C("P", "Provisional value", "Valeur provisoire", "Valor provisional"),
    C("Q", "Missing value; suppressed", "Valeur manquante ; supprimée", "Valor faltante; suprimido"),
    C("S", "Strike and other special events", "Grève et autres événements particuliers",
      "Huelga y otros acontecimientos especiales"),
    C("U", "Low reliability", "Faible fiabilité", "Baja fiabilidad"),
    C("V", "Unvalidated value", "Valeur non validée", "Valor no validado"),
]

CL_NATURE = [
    C("C", "Country data", "Données nationales", "Datos del país",
      desc=tr("Produced and disseminated by the country (including data adjusted by the country to meet international standards).",
              "Données produites et diffusées par le pays (y compris les données ajustées par le pays pour respecter les normes internationales).",
              "Datos producidos y difundidos por el país (incluidos los datos ajustados por el país para cumplir las normas internacionales).")),
    C("CA", "Country adjusted data", "Données nationales ajustées", "Datos del país ajustados",
      desc=tr("Produced and provided by the country, but adjusted by the international agency for international comparability.",
              "Données produites et fournies par le pays, mais ajustées par l'organisme international à des fins de comparabilité internationale.",
              "Datos producidos y proporcionados por el país, pero ajustados por el organismo internacional a efectos de comparabilidad internacional.")),
    C("E", "Estimated data", "Données estimées", "Datos estimados",
      desc=tr("Estimated based on national data, such as surveys or administrative data.",
              "Données estimées à partir de données nationales, telles que des enquêtes ou des données administratives.",
              "Datos estimados a partir de datos nacionales, como encuestas o registros administrativos.")),
    C("G", "Global monitoring data", "Données de suivi mondial", "Datos de seguimiento mundial",
      desc=tr("Produced on a regular basis by the designated agency for global monitoring, based on country data.",
              "Données produites régulièrement par l'organisme désigné pour le suivi mondial, à partir de données nationales.",
              "Datos producidos periódicamente por el organismo designado para el seguimiento mundial, a partir de datos nacionales.")),
    C("M", "Modelled data", "Données modélisées", "Datos modelizados",
      desc=tr("Modelled by the agency on the basis of other covariates when there is a complete lack of data on the variable being estimated.",
              "Données modélisées par l'organisme à partir d'autres covariables en l'absence totale de données sur la variable estimée.",
              "Datos modelizados por el organismo a partir de otras covariables cuando no existen datos sobre la variable estimada.")),
    C("N", "Non-relevant", "Non pertinent", "No pertinente",
      desc=tr("The indicator is not relevant for the country.",
              "L'indicateur n'est pas pertinent pour le pays.",
              "El indicador no es pertinente para el país.")),
]

CL_UNIT_MEASURE = [
    C("PERCENT", "Percent", "Pourcentage", "Porcentaje"),
    C("NUMBER", "Number", "Nombre", "Número"),
    C("INDEX", "Index", "Indice", "Índice"),
    C("PER_100_POP", "Per 100 population", "Pour 100 habitants", "Por cada 100 habitantes"),
    C("PER_1000_POP", "Per 1,000 population", "Pour 1 000 habitants", "Por cada 1.000 habitantes"),
    C("PER_100000_POP", "Per 100,000 population", "Pour 100 000 habitants", "Por cada 100.000 habitantes"),
    C("PER_100000_ADULTS", "Per 100,000 adults", "Pour 100 000 adultes", "Por cada 100.000 adultos"),
    C("PER_1000_LIVE_BIRTHS", "Per 1,000 live births", "Pour 1 000 naissances vivantes",
      "Por cada 1.000 nacidos vivos"),
    C("PER_100000_LIVE_BIRTHS", "Per 100,000 live births", "Pour 100 000 naissances vivantes",
      "Por cada 100.000 nacidos vivos"),
    C("PER_1000_UNINFECTED_POP", "Per 1,000 uninfected population",
      "Pour 1 000 personnes non infectées", "Por cada 1.000 habitantes no infectados"),
    C("PER_1000_WOMEN_15T19", "Per 1,000 women aged 15-19 years",
      "Pour 1 000 femmes âgées de 15 à 19 ans", "Por cada 1.000 mujeres de 15 a 19 años"),
    C("USD", "United States dollars", "Dollars des États-Unis", "Dólares de los Estados Unidos"),
    C("USD_PER_M3", "United States dollars per cubic metre", "Dollars des États-Unis par mètre cube",
      "Dólares de los Estados Unidos por metro cúbico"),
    C("MJ_PER_GDP_CON_PPP_USD", "Megajoules per United States dollar of GDP (constant 2017 PPP)",
      "Mégajoules par dollar des États-Unis de PIB (PPA constantes de 2017)",
      "Megajulios por dólar de los Estados Unidos de PIB (PPA constantes de 2017)"),
    C("CUR_LCU", "Local currency", "Monnaie locale", "Moneda local"),
    C("T", "Metric tons", "Tonnes métriques", "Toneladas métricas"),
]

# --------------------------------------------------------------------------
# SDG codelists (02_sdg.xml)
# --------------------------------------------------------------------------
# code | SDG indicator | default unit | en | fr | es
SDG_SERIES = """
SI_POV_DAY1|1.1.1|PERCENT|Proportion of population below international poverty line (%)|Proportion de la population vivant en dessous du seuil international de pauvreté (%)|Proporción de la población que vive por debajo del umbral internacional de pobreza (%)
SI_POV_EMP1|1.1.1|PERCENT|Employed population below international poverty line, by sex and age (%)|Population active occupée vivant en dessous du seuil international de pauvreté, par sexe et âge (%)|Población empleada que vive por debajo del umbral internacional de pobreza, por sexo y edad (%)
SI_POV_NAHC|1.2.1|PERCENT|Proportion of population living below the national poverty line (%)|Proportion de la population vivant en dessous du seuil national de pauvreté (%)|Proporción de la población que vive por debajo del umbral nacional de pobreza (%)
SI_COV_BENFTS|1.3.1|PERCENT|Proportion of population covered by at least one social protection benefit, by sex (%)|Proportion de la population bénéficiant d'au moins une prestation de protection sociale, par sexe (%)|Proporción de la población cubierta por al menos una prestación de protección social, por sexo (%)
SP_ACS_BSRVH2O|1.4.1|PERCENT|Proportion of population using basic drinking water services, by location (%)|Proportion de la population utilisant des services élémentaires d'alimentation en eau potable, par lieu de résidence (%)|Proporción de la población que utiliza servicios básicos de suministro de agua potable, por ubicación (%)
SN_ITK_DEFC|2.1.1|PERCENT|Prevalence of undernourishment (%)|Prévalence de la sous-alimentation (%)|Prevalencia de la subalimentación (%)
SH_STA_STNT|2.2.1|PERCENT|Proportion of children moderately or severely stunted (%)|Proportion d'enfants présentant un retard de croissance modéré ou grave (%)|Proporción de niños con retraso del crecimiento moderado o grave (%)
SH_STA_MORT|3.1.1|PER_100000_LIVE_BIRTHS|Maternal mortality ratio|Taux de mortalité maternelle|Tasa de mortalidad materna
SH_STA_BRTC|3.1.2|PERCENT|Proportion of births attended by skilled health personnel (%)|Proportion d'accouchements assistés par du personnel de santé qualifié (%)|Proporción de partos atendidos por personal sanitario especializado (%)
SH_DYN_MORT|3.2.1|PER_1000_LIVE_BIRTHS|Under-five mortality rate, by sex (deaths per 1,000 live births)|Taux de mortalité des enfants de moins de 5 ans, par sexe (décès pour 1 000 naissances vivantes)|Tasa de mortalidad de niños menores de 5 años, por sexo (muertes por cada 1.000 nacidos vivos)
SH_DYN_IMRT|3.2.1|PER_1000_LIVE_BIRTHS|Infant mortality rate (deaths per 1,000 live births)|Taux de mortalité infantile (décès pour 1 000 naissances vivantes)|Tasa de mortalidad infantil (muertes por cada 1.000 nacidos vivos)
SH_DYN_NMRT|3.2.2|PER_1000_LIVE_BIRTHS|Neonatal mortality rate (deaths per 1,000 live births)|Taux de mortalité néonatale (décès pour 1 000 naissances vivantes)|Tasa de mortalidad neonatal (muertes por cada 1.000 nacidos vivos)
SH_HIV_INCD|3.3.1|PER_1000_UNINFECTED_POP|Number of new HIV infections per 1,000 uninfected population, by sex and age (per 1,000 uninfected population)|Nombre de nouvelles infections à VIH pour 1 000 personnes séronégatives, par sexe et âge (pour 1 000 personnes séronégatives)|Número de nuevas infecciones por el VIH por cada 1.000 habitantes no infectados, por sexo y edad (por cada 1.000 habitantes no infectados)
SH_TBS_INCD|3.3.2|PER_100000_POP|Tuberculosis incidence (per 100,000 population)|Incidence de la tuberculose (pour 100 000 habitants)|Incidencia de la tuberculosis (por cada 100.000 habitantes)
SH_STA_TRAF|3.6.1|PER_100000_POP|Death rate due to road traffic injuries, by sex (per 100,000 population)|Taux de mortalité lié aux accidents de la route, par sexe (pour 100 000 habitants)|Tasa de mortalidad por lesiones debidas a accidentes de tráfico, por sexo (por cada 100.000 habitantes)
SP_DYN_ADKL|3.7.2|PER_1000_WOMEN_15T19|Adolescent birth rate (per 1,000 women aged 15-19 years)|Taux de natalité chez les adolescentes (pour 1 000 femmes âgées de 15 à 19 ans)|Tasa de fecundidad de las adolescentes (por cada 1.000 mujeres de entre 15 y 19 años)
SH_ACS_UNHC|3.8.1|INDEX|Universal health coverage (UHC) service coverage index|Indice de couverture des services de santé universelle (CSU)|Índice de cobertura de servicios de la cobertura sanitaria universal (CSU)
SE_TOT_PRFL|4.1.1|PERCENT|Proportion of children and young people achieving a minimum proficiency level in reading and mathematics (%)|Proportion d'enfants et de jeunes atteignant au moins un seuil minimal de compétence en lecture et en mathématiques (%)|Proporción de niños y jóvenes que han alcanzado al menos un nivel mínimo de competencia en lectura y matemáticas (%)
SE_TOT_CPLR|4.1.2|PERCENT|Completion rate, by sex, location, wealth quintile and education level (%)|Taux d'achèvement, par sexe, lieu de résidence, quintile de richesse et niveau d'enseignement (%)|Tasa de finalización, por sexo, ubicación, quintil de riqueza y nivel educativo (%)
SE_PRE_PARTN|4.2.2|PERCENT|Participation rate in organized learning (one year before the official primary entry age), by sex (%)|Taux de participation à des activités d'apprentissage organisées (un an avant l'âge officiel de scolarisation dans le primaire), par sexe (%)|Tasa de participación en el aprendizaje organizado (un año antes de la edad oficial de ingreso en la enseñanza primaria), por sexo (%)
SP_DYN_MRBF18|5.3.1|PERCENT|Proportion of women aged 20-24 years who were married or in a union before age 18 (%)|Proportion de femmes âgées de 20 à 24 ans qui étaient mariées ou en couple avant l'âge de 18 ans (%)|Proporción de mujeres de entre 20 y 24 años que estaban casadas o mantenían una unión estable antes de cumplir los 18 años (%)
SL_DOM_TSPD|5.4.1|PERCENT|Proportion of time spent on unpaid domestic chores and care work, by sex, age and location (%)|Proportion du temps consacré à des soins et travaux domestiques non rémunérés, par sexe, âge et lieu de résidence (%)|Proporción de tiempo dedicado a quehaceres domésticos y cuidados no remunerados, por sexo, edad y ubicación (%)
SG_GEN_PARL|5.5.1|PERCENT|Proportion of seats held by women in national parliaments (% of total number of seats)|Proportion de sièges occupés par des femmes dans les parlements nationaux (% du nombre total de sièges)|Proporción de escaños ocupados por mujeres en los parlamentos nacionales (% del número total de escaños)
IC_GEN_MGTL|5.5.2|PERCENT|Proportion of women in managerial positions (%)|Proportion de femmes occupant des postes de direction (%)|Proporción de mujeres en cargos directivos (%)
IT_MOB_OWN|5.b.1|PERCENT|Proportion of individuals who own a mobile telephone, by sex (%)|Proportion de personnes possédant un téléphone mobile, par sexe (%)|Proporción de personas que poseen un teléfono móvil, por sexo (%)
SH_H2O_SAFE|6.1.1|PERCENT|Proportion of population using safely managed drinking water services, by urban/rural (%)|Proportion de la population utilisant des services d'alimentation en eau potable gérés en toute sécurité, par zone urbaine/rurale (%)|Proporción de la población que utiliza servicios de suministro de agua potable gestionados sin riesgos, por zona urbana/rural (%)
SH_SAN_SAFE|6.2.1|PERCENT|Proportion of population using safely managed sanitation services, by urban/rural (%)|Proportion de la population utilisant des services d'assainissement gérés en toute sécurité, par zone urbaine/rurale (%)|Proporción de la población que utiliza servicios de saneamiento gestionados sin riesgos, por zona urbana/rural (%)
ER_H2O_WUEYST|6.4.1|USD_PER_M3|Water Use Efficiency (United States dollars per cubic meter)|Efficacité de l'utilisation des ressources en eau (dollars des États-Unis par mètre cube)|Eficiencia en el uso del agua (dólares de los Estados Unidos por metro cúbico)
ER_H2O_STRESS|6.4.2|PERCENT|Level of water stress: freshwater withdrawal as a proportion of available freshwater resources (%)|Niveau de stress hydrique : prélèvements d'eau douce en proportion des ressources en eau douce disponibles (%)|Nivel de estrés hídrico: extracción de agua dulce en proporción a los recursos de agua dulce disponibles (%)
EG_ELC_ACCS|7.1.1|PERCENT|Proportion of population with access to electricity, by urban/rural (%)|Proportion de la population ayant accès à l'électricité, par zone urbaine/rurale (%)|Proporción de la población que tiene acceso a la electricidad, por zona urbana/rural (%)
EG_EGY_CLEAN|7.1.2|PERCENT|Proportion of population with primary reliance on clean fuels and technology (%)|Proportion de la population utilisant principalement des carburants et technologies propres (%)|Proporción de la población cuya fuente primaria de energía son los combustibles y tecnologías limpios (%)
EG_FEC_RNEW|7.2.1|PERCENT|Renewable energy share in the total final energy consumption (%)|Part de l'énergie renouvelable dans la consommation finale totale d'énergie (%)|Proporción de energía renovable en el consumo final total de energía (%)
NY_GDP_PCAP|8.1.1|PERCENT|Annual growth rate of real GDP per capita (%)|Taux de croissance annuelle du PIB réel par habitant (%)|Tasa de crecimiento anual del PIB real per cápita (%)
SL_EMP_EARN|8.5.1|CUR_LCU|Average hourly earnings of employees, by sex and occupation (local currency)|Rémunération horaire moyenne des salariés, par sexe et profession (monnaie locale)|Ingreso medio por hora de los empleados, por sexo y ocupación (moneda local)
SL_TLF_UEM|8.5.2|PERCENT|Unemployment rate, by sex and age (%)|Taux de chômage, par sexe et âge (%)|Tasa de desempleo, por sexo y edad (%)
SL_TLF_NEET|8.6.1|PERCENT|Proportion of youth not in education, employment or training, by sex and age (%)|Proportion de jeunes non scolarisés et sans emploi ni formation, par sexe et âge (%)|Proporción de jóvenes que no estudian, no tienen empleo ni reciben capacitación, por sexo y edad (%)
FB_ATM_TOTL|8.10.1|PER_100000_ADULTS|Number of automated teller machines (ATMs) per 100,000 adults|Nombre de guichets automatiques de banque (GAB) pour 100 000 adultes|Número de cajeros automáticos por cada 100.000 adultos
FB_BNK_ACCSS|8.10.2|PERCENT|Proportion of adults (15 years and older) with an account at a financial institution or mobile-money-service provider, by sex (% of adults aged 15 years and older)|Proportion d'adultes (15 ans ou plus) possédant un compte dans une institution financière ou auprès d'un prestataire de services monétaires mobiles, par sexe (% des adultes âgés de 15 ans ou plus)|Proporción de adultos (de 15 años o más) que tienen una cuenta en una institución financiera o un proveedor de servicios de dinero móvil, por sexo (% de adultos de 15 años o más)
EN_ATM_CO2|9.4.1|T|Carbon dioxide emissions from fuel combustion (millions of tonnes)|Émissions de dioxyde de carbone dues à la combustion de carburants (millions de tonnes)|Emisiones de dióxido de carbono procedentes de la quema de combustibles (millones de toneladas)
IT_MOB_2GNTWK|9.c.1|PERCENT|Proportion of population covered by at least a 2G mobile network (%)|Proportion de la population couverte par au moins un réseau mobile 2G (%)|Proporción de la población cubierta por al menos una red móvil 2G (%)
IT_MOB_4GNTWK|9.c.1|PERCENT|Proportion of population covered by at least a 4G mobile network (%)|Proportion de la population couverte par au moins un réseau mobile 4G (%)|Proporción de la población cubierta por al menos una red móvil 4G (%)
SL_EMP_RCOST|10.7.1|PERCENT|Recruitment cost borne by employee as a proportion of monthly income earned in country of destination (%)|Coût du recrutement à la charge du salarié en proportion du revenu mensuel perçu dans le pays de destination (%)|Costo de contratación sufragado por el empleado en proporción a los ingresos mensuales percibidos en el país de destino (%)
SM_POP_REFG_OR|10.7.4|PER_100000_POP|Number of refugees per 100,000 population, by country of origin (per 100,000 population)|Nombre de réfugiés pour 100 000 habitants, par pays d'origine (pour 100 000 habitants)|Número de refugiados por cada 100.000 habitantes, por país de origen (por cada 100.000 habitantes)
AG_LND_FRST|15.1.1|PERCENT|Forest area as a proportion of total land area (%)|Proportion de la surface émergée totale couverte par des zones forestières (%)|Superficie forestal en proporción a la superficie total (%)
ER_PTD_TERR|15.1.2|PERCENT|Average proportion of Terrestrial Key Biodiversity Areas (KBAs) covered by protected areas (%)|Proportion moyenne des zones clés pour la biodiversité (ZCB) terrestres couvertes par des aires protégées (%)|Proporción media de las zonas clave para la biodiversidad (ZCB) terrestres abarcadas por zonas protegidas (%)
VC_IHR_PSRC|16.1.1|PER_100000_POP|Number of victims of intentional homicide per 100,000 population, by sex (victims per 100,000 population)|Nombre de victimes d'homicide volontaire pour 100 000 habitants, par sexe (victimes pour 100 000 habitants)|Número de víctimas de homicidios intencionales por cada 100.000 habitantes, por sexo (víctimas por cada 100.000 habitantes)
SG_REG_BRTH|16.9.1|PERCENT|Proportion of children under 5 years of age whose births have been registered with a civil authority, by age (%)|Proportion d'enfants de moins de 5 ans dont la naissance a été enregistrée par une autorité d'état civil, par âge (%)|Proporción de niños menores de 5 años cuyo nacimiento se ha registrado ante una autoridad civil, por edad (%)
GC_GOB_TAXD|17.1.2|PERCENT|Proportion of domestic budget funded by domestic taxes (%)|Proportion du budget national financé par les impôts nationaux (%)|Proporción del presupuesto nacional financiado por impuestos internos (%)
IT_NET_BBP|17.6.1|PER_100_POP|Fixed Internet broadband subscriptions per 100 inhabitants, by speed (per 100 inhabitants)|Abonnements à l'Internet à haut débit fixe pour 100 habitants, par vitesse de connexion (pour 100 habitants)|Suscripciones a Internet de banda ancha fija por cada 100 habitantes, por velocidad (por cada 100 habitantes)
IT_USE_ii99|17.8.1|PER_100_POP|Internet users per 100 inhabitants|Utilisateurs d'Internet pour 100 habitants|Usuarios de Internet por cada 100 habitantes
"""

# custodian agency (or agencies) of each series, per the SDG indicator
# metadata; shown in a CUSTODIAN_AGENCY annotation on every series code
SDG_CUSTODIAN = {
    "SI_POV_DAY1": "WB", "SI_POV_EMP1": "ILO", "SI_POV_NAHC": "WB",
    "SI_COV_BENFTS": "ILO", "SP_ACS_BSRVH2O": "UN-Habitat, WHO, UNICEF",
    "SN_ITK_DEFC": "FAO", "SH_STA_STNT": "UNICEF, WHO, WB",
    "SH_STA_MORT": "WHO", "SH_STA_BRTC": "UNICEF, WHO",
    "SH_DYN_MORT": "UNICEF", "SH_DYN_IMRT": "UNICEF", "SH_DYN_NMRT": "UNICEF",
    "SH_HIV_INCD": "UNAIDS", "SH_TBS_INCD": "WHO", "SH_STA_TRAF": "WHO",
    "SP_DYN_ADKL": "UN DESA Population Division, UNFPA", "SH_ACS_UNHC": "WHO",
    "SE_TOT_PRFL": "UNESCO-UIS", "SE_TOT_CPLR": "UNESCO-UIS",
    "SE_PRE_PARTN": "UNESCO-UIS", "SP_DYN_MRBF18": "UNICEF",
    "SL_DOM_TSPD": "UN Women, UNSD", "SG_GEN_PARL": "IPU, UN Women",
    "IC_GEN_MGTL": "ILO", "IT_MOB_OWN": "ITU", "SH_H2O_SAFE": "WHO, UNICEF",
    "SH_SAN_SAFE": "WHO, UNICEF", "ER_H2O_WUEYST": "FAO",
    "ER_H2O_STRESS": "FAO", "EG_ELC_ACCS": "WB", "EG_EGY_CLEAN": "WHO",
    "EG_FEC_RNEW": "IEA, IRENA, UNSD, WB, WHO", "NY_GDP_PCAP": "UNSD",
    "SL_EMP_EARN": "ILO", "SL_TLF_UEM": "ILO", "SL_TLF_NEET": "ILO",
    "FB_ATM_TOTL": "IMF", "FB_BNK_ACCSS": "WB", "EN_ATM_CO2": "IEA, UNIDO",
    "IT_MOB_2GNTWK": "ITU", "IT_MOB_4GNTWK": "ITU", "SL_EMP_RCOST": "ILO, WB",
    "SM_POP_REFG_OR": "UNHCR", "AG_LND_FRST": "FAO",
    "ER_PTD_TERR": "UNEP-WCMC, BirdLife International, IUCN",
    "VC_IHR_PSRC": "UNODC", "SG_REG_BRTH": "UNSD, UNICEF", "GC_GOB_TAXD": "IMF",
    "IT_NET_BBP": "ITU", "IT_USE_ii99": "ITU",
}


def parse_series():
    rows = []
    for line in SDG_SERIES.strip().splitlines():
        cid, ind, unit, en, fr, es = line.split("|")
        goal = int(ind.split(".")[0])
        rows.append({
            "id": cid, "name": tr(en, fr, es), "parent": None, "desc": None,
            "indicator": ind, "goal": goal, "unit": unit,
            "anns": [
                {"id": "SDG_INDICATOR", "type": "SDG_INDICATOR", "title": ind,
                 "text": tr("SDG indicator %s" % ind, "Indicateur ODD %s" % ind,
                            "Indicador ODS %s" % ind)},
                {"id": "DEFAULT_UNIT", "type": "DEFAULT_UNIT_MEASURE", "title": unit},
                {"id": "CUSTODIAN", "type": "CUSTODIAN_AGENCY",
                 "title": SDG_CUSTODIAN[cid],
                 "text": tr("Custodian agency: " + SDG_CUSTODIAN[cid],
                            "Organisme responsable : " + SDG_CUSTODIAN[cid],
                            "Organismo responsable: " + SDG_CUSTODIAN[cid])},
            ]})
    return rows


SERIES = parse_series()
SERIES_IDS = [s["id"] for s in SERIES]

CL_REPORTING_TYPE = [
    C("G", "Global", "Mondial", "Mundial", "Глобальный", "全球", "عالمي",
      desc=tr("Data reported by the custodian agency for global monitoring.",
              "Données communiquées par l'organisme responsable aux fins du suivi mondial.",
              "Datos comunicados por el organismo responsable para el seguimiento mundial.")),
    C("N", "National", "National", "Nacional", "Национальный", "国家", "وطني",
      desc=tr("Data reported by the national statistical system.",
              "Données communiquées par le système statistique national.",
              "Datos comunicados por el sistema estadístico nacional.")),
]

CL_URBANISATION = [
    C("_T", "Total", "Total", "Total"),
    C("U", "Urban", "Urbain", "Urbano"),
    C("R", "Rural", "Rural", "Rural"),
]

CL_INCOME_WEALTH_QUANTILE = [
    C("_T", "Total (national average) or no breakdown", "Total (moyenne nationale) ou pas de ventilation",
      "Total (promedio nacional) o sin desglose"),
    C("Q1", "Quintile 1 (poorest)", "Quintile 1 (le plus pauvre)", "Quintil 1 (el más pobre)"),
    C("Q2", "Quintile 2", "Quintile 2", "Quintil 2"),
    C("Q3", "Quintile 3", "Quintile 3", "Quintil 3"),
    C("Q4", "Quintile 4", "Quintile 4", "Quintil 4"),
    C("Q5", "Quintile 5 (richest)", "Quintile 5 (le plus riche)", "Quintil 5 (el más rico)"),
    C("B40", "Bottom 40%", "40 % les plus pauvres", "40 % más pobre"),
    C("R60", "Richest 60%", "60 % les plus riches", "60 % más rico"),
]

CL_EDUCATION_LEV = [
    C("_T", "All levels of education", "Tous niveaux d'enseignement", "Todos los niveles educativos"),
    C("ISCED11_0", "Early childhood education", "Éducation de la petite enfance",
      "Educación de la primera infancia"),
    C("ISCED11_02", "Pre-primary education", "Enseignement préprimaire", "Educación preprimaria",
      parent="ISCED11_0"),
    C("ISCED11_1", "Primary education", "Enseignement primaire", "Educación primaria"),
    C("ISCED11_2", "Lower secondary education", "Premier cycle de l'enseignement secondaire",
      "Educación secundaria baja"),
    C("ISCED11_3", "Upper secondary education", "Deuxième cycle de l'enseignement secondaire",
      "Educación secundaria alta"),
    C("ISCED11_4", "Post-secondary non-tertiary education", "Enseignement post-secondaire non supérieur",
      "Educación postsecundaria no terciaria"),
    C("ISCED11_5T8", "Tertiary education", "Enseignement supérieur", "Educación terciaria"),
    C("ISCED11_5", "Short-cycle tertiary education", "Enseignement supérieur de cycle court",
      "Educación terciaria de ciclo corto", parent="ISCED11_5T8"),
    C("ISCED11_6", "Bachelor's or equivalent level", "Niveau licence ou équivalent",
      "Grado en educación terciaria o nivel equivalente", parent="ISCED11_5T8"),
    C("ISCED11_7", "Master's or equivalent level", "Niveau master ou équivalent",
      "Nivel de maestría, especialización o equivalente", parent="ISCED11_5T8"),
    C("ISCED11_8", "Doctoral or equivalent level", "Niveau doctorat ou équivalent",
      "Nivel de doctorado o equivalente", parent="ISCED11_5T8"),
]

CL_OCCUPATION = [
    C("_T", "Total - all occupations", "Total - toutes professions", "Total - todas las ocupaciones"),
    C("ISCO08_1", "Managers", "Directeurs, cadres de direction et gérants", "Directores y gerentes"),
    C("ISCO08_2", "Professionals", "Professions intellectuelles et scientifiques",
      "Profesionales científicos e intelectuales"),
    C("ISCO08_3", "Technicians and associate professionals", "Professions intermédiaires",
      "Técnicos y profesionales de nivel medio"),
    C("ISCO08_4", "Clerical support workers", "Employés de type administratif",
      "Personal de apoyo administrativo"),
    C("ISCO08_5", "Service and sales workers",
      "Personnel des services directs aux particuliers, commerçants et vendeurs",
      "Trabajadores de los servicios y vendedores de comercios y mercados"),
    C("ISCO08_6", "Skilled agricultural, forestry and fishery workers",
      "Agriculteurs et ouvriers qualifiés de l'agriculture, de la sylviculture et de la pêche",
      "Agricultores y trabajadores calificados agropecuarios, forestales y pesqueros"),
    C("ISCO08_7", "Craft and related trades workers", "Métiers qualifiés de l'industrie et de l'artisanat",
      "Oficiales, operarios y artesanos de artes mecánicas y de otros oficios"),
    C("ISCO08_8", "Plant and machine operators, and assemblers",
      "Conducteurs d'installations et de machines, et ouvriers de l'assemblage",
      "Operadores de instalaciones y máquinas y ensambladores"),
    C("ISCO08_9", "Elementary occupations", "Professions élémentaires", "Ocupaciones elementales"),
    C("ISCO08_0", "Armed forces occupations", "Professions militaires", "Ocupaciones militares"),
]

CL_CUST_BREAKDOWN = [
    C("_T", "No breakdown", "Pas de ventilation", "Sin desglose"),
    C("SPD_256K_2M", "256 kbit/s to less than 2 Mbit/s", "De 256 kbit/s à moins de 2 Mbit/s",
      "De 256 kbit/s a menos de 2 Mbit/s"),
    C("SPD_2M_10M", "2 Mbit/s to less than 10 Mbit/s", "De 2 Mbit/s à moins de 10 Mbit/s",
      "De 2 Mbit/s a menos de 10 Mbit/s"),
    C("SPD_GE10M", "10 Mbit/s and above", "10 Mbit/s et plus", "10 Mbit/s o más"),
    C("SKILL_READ", "Reading", "Lecture", "Lectura"),
    C("SKILL_MATH", "Mathematics", "Mathématiques", "Matemáticas"),
]

CL_COMP_BREAKDOWN = [
    C("_Z", "Not applicable", "Sans objet", "No aplicable"),
    C("DOMCARE", "Unpaid domestic chores and care work", "Soins et travaux domestiques non rémunérés",
      "Quehaceres domésticos y cuidados no remunerados"),
    C("DOM", "Unpaid domestic chores", "Travaux domestiques non rémunérés",
      "Quehaceres domésticos no remunerados", parent="DOMCARE"),
    C("CARE", "Unpaid care work", "Soins non rémunérés", "Cuidados no remunerados", parent="DOMCARE"),
]

CL_DISABILITY_STATUS = [
    C("_T", "No breakdown", "Pas de ventilation", "Sin desglose"),
    C("PD", "Persons with disability", "Personnes handicapées", "Personas con discapacidad"),
    C("PWD", "Persons without disability", "Personnes non handicapées", "Personas sin discapacidad"),
]

CL_ACTIVITY = [
    C("_T", "Total - all economic activities", "Total - toutes activités économiques",
      "Total - todas las actividades económicas"),
    C("AGR", "Agriculture", "Agriculture", "Agricultura"),
    C("IND", "Industry", "Industrie", "Industria"),
    C("SER", "Services", "Services", "Servicios"),
    C("ISIC4_A", "Agriculture, forestry and fishing", "Agriculture, sylviculture et pêche",
      "Agricultura, ganadería, silvicultura y pesca", parent="AGR"),
    C("ISIC4_B", "Mining and quarrying", "Activités extractives", "Explotación de minas y canteras",
      parent="IND"),
    C("ISIC4_C", "Manufacturing", "Activités de fabrication", "Industrias manufactureras", parent="IND"),
    C("ISIC4_D", "Electricity, gas, steam and air conditioning supply",
      "Production et distribution d'électricité, de gaz, de vapeur et climatisation",
      "Suministro de electricidad, gas, vapor y aire acondicionado", parent="IND"),
    C("ISIC4_E", "Water supply; sewerage, waste management and remediation activities",
      "Distribution d'eau ; réseau d'assainissement ; gestion des déchets et remise en état",
      "Suministro de agua; evacuación de aguas residuales, gestión de desechos y descontaminación",
      parent="IND"),
    C("ISIC4_F", "Construction", "Construction", "Construcción", parent="IND"),
    C("ISIC4_G", "Wholesale and retail trade; repair of motor vehicles and motorcycles",
      "Commerce de gros et de détail ; réparation de véhicules automobiles et de motocycles",
      "Comercio al por mayor y al por menor; reparación de vehículos automotores y motocicletas",
      parent="SER"),
    C("ISIC4_H", "Transportation and storage", "Transport et entreposage", "Transporte y almacenamiento",
      parent="SER"),
    C("ISIC4_I", "Accommodation and food service activities", "Activités d'hébergement et de restauration",
      "Actividades de alojamiento y de servicio de comidas", parent="SER"),
    C("ISIC4_J", "Information and communication", "Information et communication",
      "Información y comunicaciones", parent="SER"),
    C("ISIC4_K", "Financial and insurance activities", "Activités financières et d'assurance",
      "Actividades financieras y de seguros", parent="SER"),
    C("ISIC4_L", "Real estate activities", "Activités immobilières", "Actividades inmobiliarias",
      parent="SER"),
    C("ISIC4_M", "Professional, scientific and technical activities",
      "Activités professionnelles, scientifiques et techniques",
      "Actividades profesionales, científicas y técnicas", parent="SER"),
    C("ISIC4_N", "Administrative and support service activities",
      "Activités de services administratifs et d'appui",
      "Actividades de servicios administrativos y de apoyo", parent="SER"),
    C("ISIC4_O", "Public administration and defence; compulsory social security",
      "Administration publique et défense ; sécurité sociale obligatoire",
      "Administración pública y defensa; planes de seguridad social de afiliación obligatoria",
      parent="SER"),
    C("ISIC4_P", "Education", "Enseignement", "Enseñanza", parent="SER"),
    C("ISIC4_Q", "Human health and social work activities",
      "Activités de santé humaine et d'action sociale",
      "Actividades de atención de la salud humana y de asistencia social", parent="SER"),
    C("ISIC4_R", "Arts, entertainment and recreation", "Arts, spectacles et loisirs",
      "Actividades artísticas, de entretenimiento y recreativas", parent="SER"),
    C("ISIC4_S", "Other service activities", "Autres activités de services",
      "Otras actividades de servicios", parent="SER"),
    C("ISIC4_T", "Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use",
      "Activités des ménages en tant qu'employeurs ; activités indifférenciées de production de biens et de services des ménages pour usage propre",
      "Actividades de los hogares como empleadores; actividades no diferenciadas de los hogares como productores de bienes y servicios para uso propio",
      parent="SER"),
    C("ISIC4_U", "Activities of extraterritorial organizations and bodies",
      "Activités des organisations et organismes extraterritoriaux",
      "Actividades de organizaciones y órganos extraterritoriales", parent="SER"),
]

CL_PRODUCT = [
    C("_T", "No breakdown", "Pas de ventilation", "Sin desglose"),
    C("MF1", "Biomass (material flows)", "Biomasse (flux de matières)", "Biomasa (flujos de materiales)"),
    C("MF2", "Metal ores (material flows)", "Minerais métalliques (flux de matières)",
      "Minerales metálicos (flujos de materiales)"),
    C("MF3", "Non-metallic minerals (material flows)", "Minéraux non métalliques (flux de matières)",
      "Minerales no metálicos (flujos de materiales)"),
    C("MF4", "Fossil fuels (material flows)", "Combustibles fossiles (flux de matières)",
      "Combustibles fósiles (flujos de materiales)"),
    C("CPC2_1_111", "Wheat", "Blé", "Trigo"),
    C("CPC2_1_112", "Maize", "Maïs", "Maíz"),
    C("CPC2_1_113", "Rice", "Riz", "Arroz"),
    C("AGG_AGR", "Agricultural products", "Produits agricoles", "Productos agrícolas"),
    C("AGG_IND", "Industrial products", "Produits industriels", "Productos industriales"),
    C("AGG_TXT", "Textiles", "Textiles", "Textiles", parent="AGG_IND"),
    C("AGG_CLTH", "Clothing", "Vêtements", "Prendas de vestir", parent="AGG_IND"),
    C("AGG_OIL", "Oil", "Pétrole", "Petróleo", parent="AGG_IND"),
    C("AGG_ARMS", "Arms", "Armes", "Armas", parent="AGG_IND"),
]

# --------------------------------------------------------------------------
# Digital economy codelists (04_digital_economy.xml)
# --------------------------------------------------------------------------
CL_DE_INDICATOR = [
    C("ICT_SECTOR", "ICT sector", "Secteur des TIC", "Sector de las TIC"),
    C("ICT_SECTOR_VA_SH", "ICT sector share of total business sector value added",
      "Part du secteur des TIC dans la valeur ajoutée totale du secteur des entreprises",
      "Participación del sector de las TIC en el valor añadido total del sector empresarial",
      parent="ICT_SECTOR"),
    C("ICT_SECTOR_EMP_SH", "ICT sector share of total business sector employment",
      "Part du secteur des TIC dans l'emploi total du secteur des entreprises",
      "Participación del sector de las TIC en el empleo total del sector empresarial",
      parent="ICT_SECTOR"),
    C("ICT_GOODS", "Trade in ICT goods", "Commerce de biens TIC", "Comercio de bienes de TIC"),
    C("ICT_GOODS_EXP", "ICT goods exports", "Exportations de biens TIC", "Exportaciones de bienes de TIC",
      parent="ICT_GOODS"),
    C("ICT_GOODS_IMP", "ICT goods imports", "Importations de biens TIC", "Importaciones de bienes de TIC",
      parent="ICT_GOODS"),
    C("ICT_GOODS_EXP_SH", "ICT goods exports as a share of total merchandise exports",
      "Exportations de biens TIC en proportion des exportations totales de marchandises",
      "Exportaciones de bienes de TIC en proporción de las exportaciones totales de mercancías",
      parent="ICT_GOODS"),
    C("ICT_GOODS_IMP_SH", "ICT goods imports as a share of total merchandise imports",
      "Importations de biens TIC en proportion des importations totales de marchandises",
      "Importaciones de bienes de TIC en proporción de las importaciones totales de mercancías",
      parent="ICT_GOODS"),
    C("ICT_SERV", "Trade in ICT services", "Commerce de services TIC", "Comercio de servicios de TIC"),
    C("ICT_SERV_EXP", "ICT services exports", "Exportations de services TIC",
      "Exportaciones de servicios de TIC", parent="ICT_SERV"),
    C("ICT_SERV_IMP", "ICT services imports", "Importations de services TIC",
      "Importaciones de servicios de TIC", parent="ICT_SERV"),
    C("ICT_SERV_EXP_SH", "ICT services exports as a share of total services exports",
      "Exportations de services TIC en proportion des exportations totales de services",
      "Exportaciones de servicios de TIC en proporción de las exportaciones totales de servicios",
      parent="ICT_SERV"),
    C("DDS", "Trade in digitally deliverable services", "Commerce de services livrables par voie numérique",
      "Comercio de servicios que pueden prestarse digitalmente"),
    C("DDS_EXP", "Digitally deliverable services exports",
      "Exportations de services livrables par voie numérique",
      "Exportaciones de servicios que pueden prestarse digitalmente", parent="DDS"),
    C("DDS_IMP", "Digitally deliverable services imports",
      "Importations de services livrables par voie numérique",
      "Importaciones de servicios que pueden prestarse digitalmente", parent="DDS"),
    C("DDS_EXP_SH", "Digitally deliverable services exports as a share of total services exports",
      "Exportations de services livrables par voie numérique en proportion des exportations totales de services",
      "Exportaciones de servicios que pueden prestarse digitalmente en proporción de las exportaciones totales de servicios",
      parent="DDS"),
    C("DDS_IMP_SH", "Digitally deliverable services imports as a share of total services imports",
      "Importations de services livrables par voie numérique en proportion des importations totales de services",
      "Importaciones de servicios que pueden prestarse digitalmente en proporción de las importaciones totales de servicios",
      parent="DDS"),
    C("BUS", "ICT use by businesses", "Utilisation des TIC par les entreprises",
      "Uso de las TIC por las empresas"),
    C("BUS_COMPUTER", "Proportion of businesses using computers",
      "Proportion d'entreprises utilisant des ordinateurs",
      "Proporción de empresas que utilizan computadoras", parent="BUS"),
    C("BUS_INTERNET", "Proportion of businesses using the Internet",
      "Proportion d'entreprises utilisant Internet",
      "Proporción de empresas que utilizan Internet", parent="BUS"),
    C("BUS_WEB", "Proportion of businesses with a web presence",
      "Proportion d'entreprises présentes sur le Web",
      "Proporción de empresas con presencia en la Web", parent="BUS"),
    C("BUS_BROADBAND", "Proportion of businesses using fixed broadband",
      "Proportion d'entreprises utilisant le haut débit fixe",
      "Proporción de empresas que utilizan banda ancha fija", parent="BUS"),
    C("BUS_ORDERS_RECV", "Proportion of businesses receiving orders over the Internet",
      "Proportion d'entreprises recevant des commandes par Internet",
      "Proporción de empresas que reciben pedidos por Internet", parent="BUS"),
    C("BUS_ORDERS_PLACED", "Proportion of businesses placing orders over the Internet",
      "Proportion d'entreprises passant des commandes par Internet",
      "Proporción de empresas que hacen pedidos por Internet", parent="BUS"),
    C("ECOM", "E-commerce", "Commerce électronique", "Comercio electrónico"),
    C("ECOM_B2C_INDEX", "UNCTAD B2C E-commerce Index",
      "Indice CNUCED du commerce électronique entre entreprises et consommateurs",
      "Índice de comercio electrónico entre empresas y consumidores de la UNCTAD", parent="ECOM"),
    C("ECOM_B2B_SALES", "Business-to-business (B2B) e-commerce sales",
      "Ventes du commerce électronique interentreprises (B2B)",
      "Ventas de comercio electrónico entre empresas (B2B)", parent="ECOM"),
    C("ECOM_B2C_SALES", "Business-to-consumer (B2C) e-commerce sales",
      "Ventes du commerce électronique entre entreprises et consommateurs (B2C)",
      "Ventas de comercio electrónico entre empresas y consumidores (B2C)", parent="ECOM"),
    C("IND_ONLINE_PURCH", "Proportion of individuals purchasing goods or services online",
      "Proportion de personnes achetant des biens ou des services en ligne",
      "Proporción de personas que compran bienes o servicios en línea", parent="ECOM"),
    C("ACCESS", "ICT access and use by households and individuals",
      "Accès aux TIC et utilisation par les ménages et les particuliers",
      "Acceso a las TIC y uso por los hogares y las personas"),
    C("HH_COMPUTER", "Proportion of households with a computer",
      "Proportion de ménages possédant un ordinateur",
      "Proporción de hogares con computadora", parent="ACCESS"),
    C("HH_INTERNET", "Proportion of households with Internet access at home",
      "Proportion de ménages ayant accès à Internet à domicile",
      "Proporción de hogares con acceso a Internet en el hogar", parent="ACCESS"),
    C("IND_INTERNET", "Proportion of individuals using the Internet",
      "Proportion de personnes utilisant Internet",
      "Proporción de personas que utilizan Internet", parent="ACCESS"),
    C("MOB_BB_SUBS", "Active mobile-broadband subscriptions per 100 inhabitants",
      "Abonnements actifs au haut débit mobile pour 100 habitants",
      "Suscripciones activas a banda ancha móvil por cada 100 habitantes", parent="ACCESS"),
    C("FIX_BB_SUBS", "Fixed broadband subscriptions per 100 inhabitants",
      "Abonnements au haut débit fixe pour 100 habitants",
      "Suscripciones a banda ancha fija por cada 100 habitantes", parent="ACCESS"),
    C("INT_BANDWIDTH", "International Internet bandwidth per Internet user",
      "Bande passante Internet internationale par utilisateur d'Internet",
      "Ancho de banda internacional de Internet por usuario de Internet", parent="ACCESS"),
    C("SECURE_SERVERS", "Secure Internet servers per 1 million people",
      "Serveurs Internet sécurisés par million d'habitants",
      "Servidores de Internet seguros por cada millón de habitantes", parent="ACCESS"),
]

CL_DE_UNIT = [
    C("USD", "United States dollars", "Dollars des États-Unis", "Dólares de los Estados Unidos"),
    C("USD_MN", "Millions of United States dollars", "Millions de dollars des États-Unis",
      "Millones de dólares de los Estados Unidos"),
    C("PERCENT", "Percent", "Pourcentage", "Porcentaje"),
    C("INDEX", "Index", "Indice", "Índice"),
    C("NUMBER", "Number", "Nombre", "Número"),
    C("PER_100_POP", "Per 100 inhabitants", "Pour 100 habitants", "Por cada 100 habitantes"),
    C("PER_1M_POP", "Per 1 million inhabitants", "Par million d'habitants", "Por cada millón de habitantes"),
    C("BIT_S_PER_USER", "Bits per second per Internet user", "Bits par seconde par utilisateur d'Internet",
      "Bits por segundo por usuario de Internet"),
]

# --------------------------------------------------------------------------
# Concept scheme SDMXD:CS_SDMXD(1.0) -- every concept used by the demo
# (id, names, core representation). Core representation: ("CL", codelist id)
# or ("TF", textType) or None.
# --------------------------------------------------------------------------
CONCEPTS = [
    ("FREQ", tr("Frequency", "Fréquence", "Frecuencia", "Частота", "频率", "التواتر"), ("CL", "CL_FREQ")),
    ("REPORTING_TYPE", tr("Reporting type", "Type de déclaration", "Tipo de notificación"), None),
    ("SERIES", tr("Series", "Série", "Serie"), None),
    ("REF_AREA", tr("Reference area", "Zone de référence", "Zona de referencia",
                    "Справочный район", "参考区域", "المنطقة المرجعية"), ("CL", "CL_AREA")),
    ("COUNTERPART_AREA", tr("Counterpart area", "Zone de contrepartie", "Zona de contrapartida"),
     ("CL", "CL_AREA")),
    ("SEX", tr("Sex", "Sexe", "Sexo", "Пол", "性别", "الجنس"), ("CL", "CL_SEX")),
    ("AGE", tr("Age", "Âge", "Edad", "Возраст", "年龄", "العمر"), ("CL", "CL_AGE")),
    ("URBANISATION", tr("Location (urban/rural)", "Lieu de résidence (urbain/rural)",
                        "Ubicación (urbana/rural)"), None),
    ("INCOME_WEALTH_QUANTILE", tr("Income or wealth quantile", "Quantile de revenu ou de patrimoine",
                                  "Cuantil de ingresos o riqueza"), None),
    ("EDUCATION_LEV", tr("Education level", "Niveau d'enseignement", "Nivel educativo"), None),
    ("OCCUPATION", tr("Occupation", "Profession", "Ocupación"), None),
    ("CUST_BREAKDOWN", tr("Custom breakdown", "Ventilation spécifique", "Desglose específico"), None),
    ("COMPOSITE_BREAKDOWN", tr("Composite breakdown", "Ventilation composite", "Desglose compuesto"), None),
    ("DISABILITY_STATUS", tr("Disability status", "Situation au regard du handicap",
                             "Situación de discapacidad"), None),
    ("ACTIVITY", tr("Economic activity", "Activité économique", "Actividad económica"), None),
    ("PRODUCT", tr("Product", "Produit", "Producto"), None),
    ("INDICATOR", tr("Indicator", "Indicateur", "Indicador", "Показатель", "指标", "المؤشر"), None),
    ("TIME_PERIOD", tr("Time period", "Période", "Período", "Период времени", "时间段", "الفترة الزمنية"),
     ("TF", "ObservationalTimePeriod")),
    ("OBS_VALUE", tr("Observation value", "Valeur de l'observation", "Valor de la observación",
                     "Значение наблюдения", "观测值", "قيمة المشاهدة"), ("TF", "Double")),
    ("UNIT_MEASURE", tr("Unit of measure", "Unité de mesure", "Unidad de medida",
                        "Единица измерения", "计量单位", "وحدة القياس"), ("CL", "CL_UNIT_MEASURE")),
    ("UNIT_MULT", tr("Unit multiplier", "Multiplicateur d'unité", "Multiplicador de unidad"),
     ("CL", "CL_UNIT_MULT")),
    ("BASE_PER", tr("Base period", "Période de base", "Período base"), ("TF", "String")),
    ("OBS_STATUS", tr("Observation status", "Statut de l'observation", "Estado de la observación"),
     ("CL", "CL_OBS_STATUS")),
    ("NATURE", tr("Nature of data points", "Nature des données", "Naturaleza de los datos"),
     ("CL", "CL_NATURE")),
    ("COMMENT_OBS", tr("Observation comment", "Commentaire sur l'observation",
                       "Comentario sobre la observación"), ("TF", "String")),
    ("COMMENT_TS", tr("Time series comment", "Commentaire sur la série chronologique",
                      "Comentario sobre la serie temporal"), ("TF", "String")),
    ("SOURCE_DETAIL", tr("Source details", "Précisions sur la source", "Detalles de la fuente"),
     ("TF", "String")),
    ("TIME_DETAIL", tr("Time period details", "Précisions sur la période", "Detalles del período"),
     ("TF", "String")),
    ("UPPER_BOUND", tr("Upper bound", "Limite supérieure", "Límite superior"), ("TF", "Double")),
    ("LOWER_BOUND", tr("Lower bound", "Limite inférieure", "Límite inferior"), ("TF", "Double")),
    ("DATA_LAST_UPDATE", tr("Data last update", "Dernière mise à jour des données",
                            "Última actualización de los datos"), ("TF", "String")),
    # concepts of the indicator metadata structure SDMXD:MSD_SDG_META
    ("META_INDICATOR_INFO", tr("Indicator information", "Informations sur l'indicateur",
                               "Información sobre el indicador"), None),
    ("META_DEFINITION", tr("Definition and concepts", "Définition et concepts", "Definición y conceptos"),
     ("TF", "XHTML")),
    ("META_RATIONALE", tr("Rationale", "Justification", "Justificación"), ("TF", "XHTML")),
    ("META_METHODOLOGY", tr("Methodology", "Méthodologie", "Metodología"), ("TF", "XHTML")),
    ("META_DATA_SOURCES", tr("Data sources", "Sources des données", "Fuentes de datos"), ("TF", "XHTML")),
    ("META_LIMITATIONS", tr("Comments and limitations", "Observations et limites",
                            "Observaciones y limitaciones"), ("TF", "XHTML")),
    ("META_CUSTODIAN", tr("Custodian agency", "Organisme responsable", "Organismo responsable"),
     ("TF", "String")),
    ("META_LAST_UPDATE", tr("Metadata last update", "Dernière mise à jour des métadonnées",
                            "Última actualización de los metadatos"), ("TF", "GregorianDay")),
]
CONCEPT_IDS = [c[0] for c in CONCEPTS]
# concepts presented under META_INDICATOR_INFO (concept Parent and MSD nesting)
META_INFO_CHILDREN = ["META_DEFINITION", "META_RATIONALE", "META_METHODOLOGY",
                      "META_DATA_SOURCES", "META_LIMITATIONS"]

# --------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------
AGENCIES = [
    C("SDMX", "SDMX", "SDMX", "SDMX",
      desc=tr("Statistical Data and Metadata eXchange initiative",
              "Initiative d'échange de données et de métadonnées statistiques (SDMX)",
              "Iniciativa de intercambio de datos y metadatos estadísticos (SDMX)")),
    C("SDMXD", "sdmxd demonstration hub", "Plateforme de démonstration sdmxd",
      "Plataforma de demostración de sdmxd", "Демонстрационная платформа sdmxd",
      "sdmxd 演示平台", "منصة sdmxd التجريبية",
      desc=tr("Maintenance agency of the demonstration structures shipped with the sdmxd SDMX 2.1 server.",
              "Agence de maintenance des structures de démonstration livrées avec le serveur SDMX 2.1 sdmxd.",
              "Organismo de mantenimiento de las estructuras de demostración incluidas en el servidor SDMX 2.1 sdmxd.")),
    C("UNSD", "United Nations Statistics Division", "Division de statistique de l'Organisation des Nations Unies",
      "División de Estadística de las Naciones Unidas", "Статистический отдел Организации Объединенных Наций",
      "联合国统计司", "الشعبة الإحصائية للأمم المتحدة"),
    C("IAEG-SDGs", "Inter-agency and Expert Group on SDG Indicators",
      "Groupe d'experts des Nations Unies et de l'extérieur chargé des indicateurs relatifs aux objectifs de développement durable",
      "Grupo Interinstitucional y de Expertos sobre los Indicadores de los Objetivos de Desarrollo Sostenible"),
    C("UN_DESA_PD", "Population Division, United Nations Department of Economic and Social Affairs",
      "Division de la population, Département des affaires économiques et sociales de l'Organisation des Nations Unies",
      "División de Población, Departamento de Asuntos Económicos y Sociales de las Naciones Unidas"),
    C("UNCTAD", "United Nations Conference on Trade and Development",
      "Conférence des Nations Unies sur le commerce et le développement",
      "Conferencia de las Naciones Unidas sobre Comercio y Desarrollo"),
]

DATA_PROVIDERS = [
    C("UNSD", "United Nations Statistics Division", "Division de statistique de l'Organisation des Nations Unies",
      "División de Estadística de las Naciones Unidas", "Статистический отдел Организации Объединенных Наций",
      "联合国统计司", "الشعبة الإحصائية للأمم المتحدة"),
    C("UN_DESA_PD", "Population Division, United Nations Department of Economic and Social Affairs",
      "Division de la population, Département des affaires économiques et sociales de l'Organisation des Nations Unies",
      "División de Población, Departamento de Asuntos Económicos y Sociales de las Naciones Unidas"),
    C("UNCTAD", "United Nations Conference on Trade and Development",
      "Conférence des Nations Unies sur le commerce et le développement",
      "Conferencia de las Naciones Unidas sobre Comercio y Desarrollo",
      "Конференция Организации Объединенных Наций по торговле и развитию",
      "联合国贸易和发展会议", "مؤتمر الأمم المتحدة للتجارة والتنمية"),
    C("ILO", "International Labour Organization", "Organisation internationale du Travail",
      "Organización Internacional del Trabajo", "Международная организация труда",
      "国际劳工组织", "منظمة العمل الدولية"),
    C("WHO", "World Health Organization", "Organisation mondiale de la Santé",
      "Organización Mundial de la Salud", "Всемирная организация здравоохранения",
      "世界卫生组织", "منظمة الصحة العالمية"),
    C("ITU", "International Telecommunication Union", "Union internationale des télécommunications",
      "Unión Internacional de Telecomunicaciones", "Международный союз электросвязи",
      "国际电信联盟", "الاتحاد الدولي للاتصالات"),
    C("UNESCO_UIS", "UNESCO Institute for Statistics", "Institut de statistique de l'UNESCO",
      "Instituto de Estadística de la UNESCO"),
    C("UNICEF", "United Nations Children's Fund", "Fonds des Nations Unies pour l'enfance",
      "Fondo de las Naciones Unidas para la Infancia"),
    C("WB", "World Bank", "Banque mondiale", "Banco Mundial", "Всемирный банк", "世界银行", "البنك الدولي"),
    C("FAO", "Food and Agriculture Organization of the United Nations",
      "Organisation des Nations Unies pour l'alimentation et l'agriculture",
      "Organización de las Naciones Unidas para la Alimentación y la Agricultura"),
    C("GSS", "Ghana Statistical Service", "Service statistique du Ghana", "Servicio de Estadística de Ghana"),
    C("KNBS", "Kenya National Bureau of Statistics", "Bureau national de statistique du Kenya",
      "Oficina Nacional de Estadística de Kenya"),
]

DATA_CONSUMERS = [
    C("PUBLIC", "General public", "Grand public", "Público en general"),
    C("RESEARCH", "Academic and research institutions", "Établissements universitaires et de recherche",
      "Instituciones académicas y de investigación"),
    C("MEDIA", "Media", "Médias", "Medios de comunicación"),
    C("NSO", "National statistical offices", "Instituts nationaux de statistique",
      "Oficinas nacionales de estadística"),
]

ORG_UNITS = [
    C("HUB", "sdmxd demonstration hub secretariat", "Secrétariat de la plateforme de démonstration sdmxd",
      "Secretaría de la plataforma de demostración de sdmxd"),
    C("DATA_MGMT", "Data management unit", "Unité de gestion des données", "Unidad de gestión de datos",
      parent="HUB"),
    C("SDG_TEAM", "SDG indicators team", "Équipe des indicateurs des ODD", "Equipo de indicadores de los ODS",
      parent="DATA_MGMT"),
    C("MIG_TEAM", "Migration statistics team", "Équipe des statistiques des migrations",
      "Equipo de estadísticas de migración", parent="DATA_MGMT"),
    C("DE_TEAM", "Digital economy statistics team", "Équipe des statistiques de l'économie numérique",
      "Equipo de estadísticas de la economía digital", parent="DATA_MGMT"),
    C("DISSEM", "Dissemination unit", "Unité de la diffusion", "Unidad de difusión", parent="HUB"),
    C("API_TEAM", "Web services and API team", "Équipe des services web et des API",
      "Equipo de servicios web y API", parent="DISSEM"),
]

# --------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------
# goal | short title en | fr | es | full goal en | fr | es
SDG_GOALS_TABLE = """
1|No poverty|Pas de pauvreté|Fin de la pobreza|End poverty in all its forms everywhere|Éliminer la pauvreté sous toutes ses formes et partout dans le monde|Poner fin a la pobreza en todas sus formas en todo el mundo
2|Zero hunger|Faim « zéro »|Hambre cero|End hunger, achieve food security and improved nutrition and promote sustainable agriculture|Éliminer la faim, assurer la sécurité alimentaire, améliorer la nutrition et promouvoir l'agriculture durable|Poner fin al hambre, lograr la seguridad alimentaria y la mejora de la nutrición y promover la agricultura sostenible
3|Good health and well-being|Bonne santé et bien-être|Salud y bienestar|Ensure healthy lives and promote well-being for all at all ages|Permettre à tous de vivre en bonne santé et promouvoir le bien-être de tous à tout âge|Garantizar una vida sana y promover el bienestar para todos en todas las edades
4|Quality education|Éducation de qualité|Educación de calidad|Ensure inclusive and equitable quality education and promote lifelong learning opportunities for all|Assurer l'accès de tous à une éducation de qualité, sur un pied d'égalité, et promouvoir les possibilités d'apprentissage tout au long de la vie|Garantizar una educación inclusiva, equitativa y de calidad y promover oportunidades de aprendizaje durante toda la vida para todos
5|Gender equality|Égalité entre les sexes|Igualdad de género|Achieve gender equality and empower all women and girls|Parvenir à l'égalité des sexes et autonomiser toutes les femmes et les filles|Lograr la igualdad entre los géneros y empoderar a todas las mujeres y las niñas
6|Clean water and sanitation|Eau propre et assainissement|Agua limpia y saneamiento|Ensure availability and sustainable management of water and sanitation for all|Garantir l'accès de tous à des services d'alimentation en eau et d'assainissement gérés de façon durable|Garantizar la disponibilidad y la gestión sostenible del agua y el saneamiento para todos
7|Affordable and clean energy|Énergie propre et d'un coût abordable|Energía asequible y no contaminante|Ensure access to affordable, reliable, sustainable and modern energy for all|Garantir l'accès de tous à des services énergétiques fiables, durables et modernes, à un coût abordable|Garantizar el acceso a una energía asequible, fiable, sostenible y moderna para todos
8|Decent work and economic growth|Travail décent et croissance économique|Trabajo decente y crecimiento económico|Promote sustained, inclusive and sustainable economic growth, full and productive employment and decent work for all|Promouvoir une croissance économique soutenue, partagée et durable, le plein emploi productif et un travail décent pour tous|Promover el crecimiento económico sostenido, inclusivo y sostenible, el empleo pleno y productivo y el trabajo decente para todos
9|Industry, innovation and infrastructure|Industrie, innovation et infrastructure|Industria, innovación e infraestructura|Build resilient infrastructure, promote inclusive and sustainable industrialization and foster innovation|Bâtir une infrastructure résiliente, promouvoir une industrialisation durable qui profite à tous et encourager l'innovation|Construir infraestructuras resilientes, promover la industrialización inclusiva y sostenible y fomentar la innovación
10|Reduced inequalities|Inégalités réduites|Reducción de las desigualdades|Reduce inequality within and among countries|Réduire les inégalités dans les pays et d'un pays à l'autre|Reducir la desigualdad en los países y entre ellos
11|Sustainable cities and communities|Villes et communautés durables|Ciudades y comunidades sostenibles|Make cities and human settlements inclusive, safe, resilient and sustainable|Faire en sorte que les villes et les établissements humains soient ouverts à tous, sûrs, résilients et durables|Lograr que las ciudades y los asentamientos humanos sean inclusivos, seguros, resilientes y sostenibles
12|Responsible consumption and production|Consommation et production responsables|Producción y consumo responsables|Ensure sustainable consumption and production patterns|Établir des modes de consommation et de production durables|Garantizar modalidades de consumo y producción sostenibles
13|Climate action|Mesures relatives à la lutte contre les changements climatiques|Acción por el clima|Take urgent action to combat climate change and its impacts|Prendre d'urgence des mesures pour lutter contre les changements climatiques et leurs répercussions|Adoptar medidas urgentes para combatir el cambio climático y sus efectos
14|Life below water|Vie aquatique|Vida submarina|Conserve and sustainably use the oceans, seas and marine resources for sustainable development|Conserver et exploiter de manière durable les océans, les mers et les ressources marines aux fins du développement durable|Conservar y utilizar sosteniblemente los océanos, los mares y los recursos marinos para el desarrollo sostenible
15|Life on land|Vie terrestre|Vida de ecosistemas terrestres|Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably manage forests, combat desertification, and halt and reverse land degradation and halt biodiversity loss|Préserver et restaurer les écosystèmes terrestres, en veillant à les exploiter de façon durable, gérer durablement les forêts, lutter contre la désertification, enrayer et inverser le processus de dégradation des sols et mettre fin à l'appauvrissement de la biodiversité|Proteger, restablecer y promover el uso sostenible de los ecosistemas terrestres, gestionar sosteniblemente los bosques, luchar contra la desertificación, detener e invertir la degradación de las tierras y detener la pérdida de biodiversidad
16|Peace, justice and strong institutions|Paix, justice et institutions efficaces|Paz, justicia e instituciones sólidas|Promote peaceful and inclusive societies for sustainable development, provide access to justice for all and build effective, accountable and inclusive institutions at all levels|Promouvoir l'avènement de sociétés pacifiques et inclusives aux fins du développement durable, assurer l'accès de tous à la justice et mettre en place, à tous les niveaux, des institutions efficaces, responsables et ouvertes à tous|Promover sociedades pacíficas e inclusivas para el desarrollo sostenible, facilitar el acceso a la justicia para todos y construir a todos los niveles instituciones eficaces e inclusivas que rindan cuentas
17|Partnerships for the goals|Partenariats pour la réalisation des objectifs|Alianzas para lograr los objetivos|Strengthen the means of implementation and revitalize the Global Partnership for Sustainable Development|Renforcer les moyens de mettre en œuvre le Partenariat mondial pour le développement durable et le revitaliser|Fortalecer los medios de implementación y revitalizar la Alianza Mundial para el Desarrollo Sostenible
"""


def goal_id(n):
    return "GOAL_%02d" % n


def parse_goals():
    rows = []
    for line in SDG_GOALS_TABLE.strip().splitlines():
        f = line.split("|")
        n = int(f[0])
        rows.append({"id": goal_id(n),
                     "name": tr("Goal %d: %s" % (n, f[1]), "Objectif %d : %s" % (n, f[2]),
                                "Objetivo %d: %s" % (n, f[3])),
                     "desc": tr(f[4], f[5], f[6]), "parent": None, "anns": None})
    return rows


SDG_GOALS = parse_goals()

# TOPICS category scheme: nested categories (id, names, children)
TOPICS = [
    ("DEV", tr("Sustainable development", "Développement durable", "Desarrollo sostenible"), [
        ("SDG", tr("Sustainable Development Goals indicators", "Indicateurs des objectifs de développement durable",
                   "Indicadores de los Objetivos de Desarrollo Sostenible"), []),
    ]),
    ("POP", tr("Population and migration", "Population et migrations", "Población y migración"), [
        ("MIG", tr("International migration", "Migrations internationales", "Migración internacional"), []),
    ]),
    ("ECO", tr("Economy and trade", "Économie et commerce", "Economía y comercio"), [
        ("DIGITAL", tr("Digital economy", "Économie numérique", "Economía digital"), []),
    ]),
]


# ==========================================================================
# BUILDERS
# ==========================================================================
def item_scheme(w, tag, cls, item_tag, mid, nm, items, desc=None, anns=None,
                agency=AG, final=True, extra=(), parent_attrs=True):
    """Write an item scheme whose items may carry a flat `parent`."""
    item_cls = ITEM_OF[cls]
    maint_open(w, tag, cls, mid, nm, desc, anns, agency, final, extra)
    ids = set()
    for it in items:
        if it["id"] in ids:
            raise ValueError("duplicate item %s in %s" % (it["id"], mid))
        ids.add(it["id"])
        if item_cls == "Agency":
            urn = "urn:sdmx:org.sdmx.infomodel.base.Agency=%s" % it["id"]
        else:
            urn = iurn(item_cls, agency, mid, V, it["id"])
        w.open(item_tag, ("urn", urn), ("id", it["id"]))
        annotations(w, it.get("anns"))
        names(w, it["name"])
        if it.get("desc"):
            names(w, it["desc"], "com:Description")
        if it.get("parent"):
            if it["parent"] not in ids:
                raise ValueError("parent %s of %s must precede it" % (it["parent"], it["id"]))
            w.open("str:Parent")
            if parent_attrs:
                w.empty("Ref", ("id", it["parent"]), ("class", item_cls),
                        ("package", CLS[item_cls][0]))
            else:
                w.empty("Ref", ("id", it["parent"]))
            w.close("str:Parent")
        w.close(item_tag)
    w.close(tag)


def codelist(w, mid, nm, codes, desc=None, anns=None):
    item_scheme(w, "str:Codelist", "Codelist", "str:Code", mid, nm, codes, desc, anns)


def m49_codes():
    out = []
    for code, parent, nm, is_region in M49:
        out.append({"id": code, "name": nm, "parent": parent, "desc": None, "anns": None})
    # parents must precede children: regions table is ordered; countries come after
    return out


def concept_scheme(w):
    maint_open(w, "str:ConceptScheme", "ConceptScheme", "CS_SDMXD",
               tr("sdmxd demonstration concepts", "Concepts de démonstration sdmxd",
                  "Conceptos de demostración de sdmxd", "Демонстрационные понятия sdmxd",
                  "sdmxd 演示概念", "مفاهيم sdmxd التجريبية"),
               tr("All statistical concepts used by the sdmxd demonstration data and metadata structures.",
                  "Ensemble des concepts statistiques utilisés par les structures de données et de métadonnées de démonstration sdmxd.",
                  "Todos los conceptos estadísticos utilizados por las estructuras de datos y metadatos de demostración de sdmxd."))
    for cid, nm, core in CONCEPTS:
        w.open("str:Concept", ("urn", iurn("Concept", AG, "CS_SDMXD", V, cid)), ("id", cid))
        names(w, nm)
        if cid in META_INFO_CHILDREN:
            w.open("str:Parent")
            w.empty("Ref", ("id", "META_INDICATOR_INFO"), ("class", "Concept"),
                    ("package", "conceptscheme"))
            w.close("str:Parent")
        if core:
            w.open("str:CoreRepresentation")
            if core[0] == "CL":
                ref(w, "str:Enumeration", "Codelist", core[1])
            else:
                w.empty("str:TextFormat", ("textType", core[1]))
            w.close("str:CoreRepresentation")
        w.close("str:Concept")
    w.close("str:ConceptScheme")


def local_rep(w, rep, tag="str:LocalRepresentation"):
    """rep: ("CL", codelist id) or ("TF", textType, extra attrs...)."""
    w.open(tag)
    if rep[0] == "CL":
        ref(w, "str:Enumeration", "Codelist", rep[1])
    else:
        w.empty("str:TextFormat", ("textType", rep[1]), *rep[2:])
    w.close(tag)


def data_structure(w, mid, nm, desc, dims, attrs, groups=(), anns=None,
                   measure_rep=("TF", "Double")):
    """dims: list of (id, codelist) -- TIME_PERIOD last is implicit.
    attrs: list of (id, status, rep, relationship) where relationship is
    "None", "OBS", ("GROUP", gid) or a list of dimension ids."""
    maint_open(w, "str:DataStructure", "DataStructure", mid, nm, desc, anns)
    w.open("str:DataStructureComponents")
    w.open("str:DimensionList", ("urn", iurn("DimensionDescriptor", AG, mid, V, "DimensionDescriptor")),
           ("id", "DimensionDescriptor"))
    pos = 0
    for did, cl in dims:
        pos += 1
        w.open("str:Dimension", ("urn", iurn("Dimension", AG, mid, V, did)), ("id", did),
               ("position", pos))
        concept_ref(w, "str:ConceptIdentity", did)
        local_rep(w, ("CL", cl))
        w.close("str:Dimension")
    pos += 1
    w.open("str:TimeDimension", ("urn", iurn("TimeDimension", AG, mid, V, "TIME_PERIOD")),
           ("id", "TIME_PERIOD"), ("position", pos))
    concept_ref(w, "str:ConceptIdentity", "TIME_PERIOD")
    local_rep(w, ("TF", "ObservationalTimePeriod"))
    w.close("str:TimeDimension")
    w.close("str:DimensionList")
    dim_ids = [d[0] for d in dims]
    for gid, gdims in groups:
        w.open("str:Group", ("urn", iurn("GroupDimensionDescriptor", AG, mid, V, gid)), ("id", gid))
        for d in gdims:
            assert d in dim_ids, d
            w.open("str:GroupDimension")
            w.open("str:DimensionReference")
            w.empty("Ref", ("id", d))
            w.close("str:DimensionReference")
            w.close("str:GroupDimension")
        w.close("str:Group")
    if attrs:
        w.open("str:AttributeList", ("urn", iurn("AttributeDescriptor", AG, mid, V, "AttributeDescriptor")),
               ("id", "AttributeDescriptor"))
        for aid, status, rep, rel in attrs:
            w.open("str:Attribute", ("urn", iurn("DataAttribute", AG, mid, V, aid)), ("id", aid),
                   ("assignmentStatus", status))
            concept_ref(w, "str:ConceptIdentity", aid)
            local_rep(w, rep)
            w.open("str:AttributeRelationship")
            if rel == "None":
                w.empty("str:None")
            elif rel == "OBS":
                w.open("str:PrimaryMeasure")
                w.empty("Ref", ("id", "OBS_VALUE"))
                w.close("str:PrimaryMeasure")
            elif isinstance(rel, tuple) and rel[0] == "GROUP":
                w.open("str:Group")
                w.empty("Ref", ("id", rel[1]))
                w.close("str:Group")
            else:
                for d in rel:
                    assert d in dim_ids, d
                    w.open("str:Dimension")
                    w.empty("Ref", ("id", d))
                    w.close("str:Dimension")
            w.close("str:AttributeRelationship")
            w.close("str:Attribute")
        w.close("str:AttributeList")
    w.open("str:MeasureList", ("urn", iurn("MeasureDescriptor", AG, mid, V, "MeasureDescriptor")),
           ("id", "MeasureDescriptor"))
    w.open("str:PrimaryMeasure", ("urn", iurn("PrimaryMeasure", AG, mid, V, "OBS_VALUE")), ("id", "OBS_VALUE"))
    concept_ref(w, "str:ConceptIdentity", "OBS_VALUE")
    local_rep(w, measure_rep)
    w.close("str:PrimaryMeasure")
    w.close("str:MeasureList")
    w.close("str:DataStructureComponents")
    w.close("str:DataStructure")


def dataflow(w, mid, nm, dsd, desc=None, anns=None):
    maint_open(w, "str:Dataflow", "Dataflow", mid, nm, desc, anns)
    ref(w, "str:Structure", "DataStructure", dsd)
    w.close("str:Dataflow")


# --------------------------------------------------------------------------
# 01_common.xml
# --------------------------------------------------------------------------
def build_common():
    w = W()
    header(w, "SDMXD_STRUCTURES_01_COMMON")
    w.open("str:OrganisationSchemes")
    item_scheme(w, "str:AgencyScheme", "AgencyScheme", "str:Agency", "AGENCIES",
                tr("SDMX agency scheme", "Schéma des agences SDMX", "Esquema de organismos SDMX",
                   "Схема агентств SDMX", "SDMX 机构方案", "مخطط وكالات SDMX"),
                AGENCIES,
                desc=tr("Maintenance agencies known to the sdmxd demonstration hub.",
                        "Agences de maintenance connues de la plateforme de démonstration sdmxd.",
                        "Organismos de mantenimiento conocidos por la plataforma de demostración de sdmxd."),
                agency="SDMX", final=False)
    item_scheme(w, "str:DataProviderScheme", "DataProviderScheme", "str:DataProvider", "DATA_PROVIDERS",
                tr("Data providers", "Fournisseurs de données", "Proveedores de datos",
                   "Поставщики данных", "数据提供方", "مقدمو البيانات"),
                DATA_PROVIDERS,
                desc=tr("Custodian agencies and national statistical offices that report data to the demonstration hub.",
                        "Organismes responsables et instituts nationaux de statistique qui communiquent des données à la plateforme de démonstration.",
                        "Organismos responsables y oficinas nacionales de estadística que comunican datos a la plataforma de demostración."),
                final=False)
    item_scheme(w, "str:DataConsumerScheme", "DataConsumerScheme", "str:DataConsumer", "DATA_CONSUMERS",
                tr("Data consumers", "Utilisateurs de données", "Usuarios de datos"),
                DATA_CONSUMERS, final=False)
    item_scheme(w, "str:OrganisationUnitScheme", "OrganisationUnitScheme", "str:OrganisationUnit",
                "ORG_UNITS",
                tr("Organisation units of the sdmxd demonstration hub",
                   "Unités organisationnelles de la plateforme de démonstration sdmxd",
                   "Unidades organizativas de la plataforma de demostración de sdmxd"),
                ORG_UNITS)
    w.close("str:OrganisationSchemes")

    w.open("str:Codelists")
    codelist(w, "CL_AREA",
             tr("Geographic areas (UN M49)", "Zones géographiques (M49 de l'ONU)",
                "Zonas geográficas (M49 de las Naciones Unidas)",
                "Географические районы (M49 ООН)", "地理区域（联合国 M49）", "المناطق الجغرافية (M49 للأمم المتحدة)"),
             m49_codes(),
             desc=tr("Standard country or area codes for statistical use (M49) with the geographic regions, sub-regions and intermediate regions; each code's parent is the smallest region containing it.",
                     "Codes standard des pays et des zones à usage statistique (M49), avec les régions, sous-régions et régions intermédiaires géographiques ; le parent de chaque code est la plus petite région qui le contient.",
                     "Códigos uniformes de países o zonas para uso estadístico (M49), con las regiones, subregiones y regiones intermedias geográficas; el padre de cada código es la región más pequeña que lo contiene."))
    codelist(w, "CL_FREQ", tr("Frequency", "Fréquence", "Frecuencia", "Частота", "频率", "التواتر"), CL_FREQ)
    codelist(w, "CL_SEX", tr("Sex", "Sexe", "Sexo", "Пол", "性别", "الجنس"), CL_SEX)
    codelist(w, "CL_AGE", tr("Age", "Âge", "Edad", "Возраст", "年龄", "العمر"), CL_AGE,
             desc=tr("Five-year age groups and the age ranges used by SDG indicators.",
                     "Groupes d'âge quinquennaux et tranches d'âge utilisées par les indicateurs des ODD.",
                     "Grupos de edad quinquenales y rangos de edad utilizados por los indicadores de los ODS."))
    codelist(w, "CL_UNIT_MULT", tr("Unit multiplier", "Multiplicateur d'unité", "Multiplicador de unidad"),
             CL_UNIT_MULT)
    codelist(w, "CL_OBS_STATUS", tr("Observation status", "Statut de l'observation", "Estado de la observación"),
             CL_OBS_STATUS)
    codelist(w, "CL_NATURE", tr("Nature of data points", "Nature des données", "Naturaleza de los datos"),
             CL_NATURE)
    codelist(w, "CL_UNIT_MEASURE", tr("Unit of measure", "Unité de mesure", "Unidad de medida",
                                      "Единица измерения", "计量单位", "وحدة القياس"), CL_UNIT_MEASURE)
    w.close("str:Codelists")

    w.open("str:Concepts")
    concept_scheme(w)
    w.close("str:Concepts")
    footer(w)
    return w.getvalue()


# --------------------------------------------------------------------------
# 02_sdg.xml
# --------------------------------------------------------------------------
SDG_DIMS = [
    ("FREQ", "CL_FREQ"),
    ("REPORTING_TYPE", "CL_REPORTING_TYPE"),
    ("SERIES", "CL_SERIES"),
    ("REF_AREA", "CL_AREA"),
    ("SEX", "CL_SEX"),
    ("AGE", "CL_AGE"),
    ("URBANISATION", "CL_URBANISATION"),
    ("INCOME_WEALTH_QUANTILE", "CL_INCOME_WEALTH_QUANTILE"),
    ("EDUCATION_LEV", "CL_EDUCATION_LEV"),
    ("OCCUPATION", "CL_OCCUPATION"),
    ("CUST_BREAKDOWN", "CL_CUST_BREAKDOWN"),
    ("COMPOSITE_BREAKDOWN", "CL_COMP_BREAKDOWN"),
    ("DISABILITY_STATUS", "CL_DISABILITY_STATUS"),
    ("ACTIVITY", "CL_ACTIVITY"),
    ("PRODUCT", "CL_PRODUCT"),
]
SDG_DIM_IDS = [d[0] for d in SDG_DIMS]
SDG_SIBLING = ["REPORTING_TYPE", "SERIES", "REF_AREA"]

DF_SDG_ANNOTATIONS = [
    {"id": "DF_SDG_SOURCE", "type": "SOURCE", "title": "UN Global SDG Indicators Database",
     "url": "https://unstats.un.org/sdgs/dataportal",
     "text": tr("Series structured after the SDG data structure definition of the IAEG-SDGs.",
                "Séries structurées selon la définition de structure de données des ODD de l'IAEG-SDGs.",
                "Series estructuradas según la definición de estructura de datos de los ODS del IAEG-SDGs.",
                "Ряды структурированы в соответствии с определением структуры данных ЦУР, разработанным Межучрежденческой группой экспертов по показателям ЦУР.",
                "数据系列按照可持续发展目标指标机构间专家组的可持续发展目标数据结构定义编排。",
                "السلاسل منظمة وفق تعريف بنية بيانات أهداف التنمية المستدامة الصادر عن فريق الخبراء المشترك بين الوكالات المعني بمؤشرات أهداف التنمية المستدامة.")},
    {"id": "DF_SDG_DISCLAIMER", "type": "DISCLAIMER", "title": "Demonstration content",
     "text": tr("Demonstration dataflow shipped with sdmxd; figures are for testing only.",
                "Flux de données de démonstration fourni avec sdmxd ; les chiffres servent uniquement aux tests.",
                "Flujo de datos de demostración incluido en sdmxd; las cifras solo sirven para pruebas.")},
    {"id": "DF_SDG_GOALS", "type": "SDG_GOALS_COVERED",
     "title": ",".join(str(g) for g in sorted(set(s["goal"] for s in SERIES))),
     "text": tr("Goals covered by the series of this dataflow.",
                "Objectifs couverts par les séries de ce flux de données.",
                "Objetivos abarcados por las series de este flujo de datos.")},
]


def build_sdg():
    w = W()
    header(w, "SDMXD_STRUCTURES_02_SDG")
    w.open("str:Dataflows")
    dataflow(w, "DF_SDG",
             tr("SDG indicators", "Indicateurs des ODD", "Indicadores de los ODS",
                "Показатели ЦУР", "可持续发展目标指标", "مؤشرات أهداف التنمية المستدامة"),
             "DSD_SDG",
             desc=tr("Global and national data for a selection of Sustainable Development Goals indicator series.",
                     "Données mondiales et nationales pour une sélection de séries d'indicateurs des objectifs de développement durable.",
                     "Datos mundiales y nacionales de una selección de series de indicadores de los Objetivos de Desarrollo Sostenible."),
             anns=DF_SDG_ANNOTATIONS)
    w.close("str:Dataflows")

    w.open("str:Codelists")
    codelist(w, "CL_REPORTING_TYPE", tr("Reporting type", "Type de déclaration", "Tipo de notificación"),
             CL_REPORTING_TYPE)
    codelist(w, "CL_SERIES", tr("SDG indicator series", "Séries d'indicateurs des ODD",
                                "Series de indicadores de los ODS", "Ряды показателей ЦУР",
                                "可持续发展目标指标系列", "سلاسل مؤشرات أهداف التنمية المستدامة"), SERIES,
             desc=tr("Selection of series of the global SDG indicator framework.",
                     "Sélection de séries du cadre mondial d'indicateurs des ODD.",
                     "Selección de series del marco de indicadores mundiales de los ODS."))
    codelist(w, "CL_URBANISATION", tr("Location (urban/rural)", "Lieu de résidence (urbain/rural)",
                                      "Ubicación (urbana/rural)"), CL_URBANISATION)
    codelist(w, "CL_INCOME_WEALTH_QUANTILE", tr("Income or wealth quantile", "Quantile de revenu ou de patrimoine",
                                                "Cuantil de ingresos o riqueza"), CL_INCOME_WEALTH_QUANTILE)
    codelist(w, "CL_EDUCATION_LEV", tr("Education level (ISCED 2011)", "Niveau d'enseignement (CITE 2011)",
                                       "Nivel educativo (CINE 2011)"), CL_EDUCATION_LEV)
    codelist(w, "CL_OCCUPATION", tr("Occupation (ISCO-08 major groups)", "Profession (grands groupes de la CITP-08)",
                                    "Ocupación (grandes grupos de la CIUO-08)"), CL_OCCUPATION)
    codelist(w, "CL_CUST_BREAKDOWN", tr("Custom breakdown", "Ventilation spécifique", "Desglose específico"),
             CL_CUST_BREAKDOWN)
    codelist(w, "CL_COMP_BREAKDOWN", tr("Composite breakdown", "Ventilation composite", "Desglose compuesto"),
             CL_COMP_BREAKDOWN)
    codelist(w, "CL_DISABILITY_STATUS", tr("Disability status", "Situation au regard du handicap",
                                           "Situación de discapacidad"), CL_DISABILITY_STATUS)
    codelist(w, "CL_ACTIVITY", tr("Economic activity (ISIC Rev. 4)", "Activité économique (CITI Rév. 4)",
                                  "Actividad económica (CIIU Rev. 4)"), CL_ACTIVITY)
    codelist(w, "CL_PRODUCT", tr("Product", "Produit", "Producto"), CL_PRODUCT)
    w.close("str:Codelists")

    w.open("str:DataStructures")
    series_dims = SDG_DIM_IDS  # series-level attributes depend on every dimension
    data_structure(
        w, "DSD_SDG",
        tr("SDG indicators data structure", "Structure de données des indicateurs des ODD",
           "Estructura de datos de los indicadores de los ODS", "Структура данных показателей ЦУР",
           "可持续发展目标指标数据结构", "بنية بيانات مؤشرات أهداف التنمية المستدامة"),
        tr("Data structure with the dimensions of the IAEG-SDGs SDG data structure definition.",
           "Structure de données reprenant les dimensions de la définition de structure de données des ODD de l'IAEG-SDGs.",
           "Estructura de datos con las dimensiones de la definición de estructura de datos de los ODS del IAEG-SDGs."),
        SDG_DIMS,
        [
            ("UNIT_MEASURE", "Mandatory", ("CL", "CL_UNIT_MEASURE"), series_dims),
            ("UNIT_MULT", "Mandatory", ("CL", "CL_UNIT_MULT"), series_dims),
            ("BASE_PER", "Conditional", ("TF", "String"), series_dims),
            ("COMMENT_TS", "Conditional", ("TF", "String", ("maxLength", 1000)), series_dims),
            ("SOURCE_DETAIL", "Conditional", ("TF", "String"), ("GROUP", "SIBLING")),
            ("OBS_STATUS", "Mandatory", ("CL", "CL_OBS_STATUS"), "OBS"),
            ("NATURE", "Conditional", ("CL", "CL_NATURE"), "OBS"),
            ("COMMENT_OBS", "Conditional", ("TF", "String", ("maxLength", 1000)), "OBS"),
            ("TIME_DETAIL", "Conditional", ("TF", "String"), "OBS"),
            ("UPPER_BOUND", "Conditional", ("TF", "Double"), "OBS"),
            ("LOWER_BOUND", "Conditional", ("TF", "Double"), "OBS"),
            ("DATA_LAST_UPDATE", "Conditional", ("TF", "String"), "None"),
        ],
        groups=[("SIBLING", SDG_SIBLING)])
    w.close("str:DataStructures")
    footer(w)
    return w.getvalue()


# --------------------------------------------------------------------------
# 03_migration.xml
# --------------------------------------------------------------------------
MIG_DIMS = [("REF_AREA", "CL_AREA"), ("COUNTERPART_AREA", "CL_AREA"), ("SEX", "CL_SEX"),
            ("AGE", "CL_AGE")]


def build_migration():
    w = W()
    header(w, "SDMXD_STRUCTURES_03_MIGRATION")
    w.open("str:Dataflows")
    dataflow(w, "DF_MIGRANT_STOCK",
             tr("International migrant stock", "Nombre de migrants internationaux",
                "Población de migrantes internacionales", "Численность международных мигрантов",
                "国际移徙者存量", "أعداد المهاجرين الدوليين"),
             "DSD_MIGRANT_STOCK",
             desc=tr("Number of international migrants by country or area of destination, origin, sex and age, at mid-year.",
                     "Nombre de migrants internationaux par pays ou zone de destination et d'origine, par sexe et âge, au milieu de l'année.",
                     "Número de migrantes internacionales por país o zona de destino y de origen, sexo y edad, a mitad de año."))
    w.close("str:Dataflows")
    w.open("str:DataStructures")
    data_structure(
        w, "DSD_MIGRANT_STOCK",
        tr("International migrant stock data structure", "Structure de données du nombre de migrants internationaux",
           "Estructura de datos de la población de migrantes internacionales"),
        tr("REF_AREA is the country or area of destination, COUNTERPART_AREA the country or area of origin.",
           "REF_AREA est le pays ou la zone de destination, COUNTERPART_AREA le pays ou la zone d'origine.",
           "REF_AREA es el país o zona de destino y COUNTERPART_AREA el país o zona de origen."),
        MIG_DIMS,
        [
            ("UNIT_MEASURE", "Mandatory", ("CL", "CL_UNIT_MEASURE"), [d[0] for d in MIG_DIMS]),
            ("UNIT_MULT", "Mandatory", ("CL", "CL_UNIT_MULT"), [d[0] for d in MIG_DIMS]),
            ("OBS_STATUS", "Conditional", ("CL", "CL_OBS_STATUS"), "OBS"),
        ])
    w.close("str:DataStructures")
    footer(w)
    return w.getvalue()


# --------------------------------------------------------------------------
# 04_digital_economy.xml
# --------------------------------------------------------------------------
DE_DIMS = [("INDICATOR", "CL_DE_INDICATOR"), ("REF_AREA", "CL_AREA"), ("UNIT_MEASURE", "CL_DE_UNIT")]


def build_digital_economy():
    w = W()
    header(w, "SDMXD_STRUCTURES_04_DIGITAL_ECONOMY")
    w.open("str:Dataflows")
    dataflow(w, "DF_DIGITAL_ECONOMY",
             tr("Digital economy", "Économie numérique", "Economía digital", "Цифровая экономика",
                "数字经济", "الاقتصاد الرقمي"),
             "DSD_DIGITAL_ECONOMY",
             desc=tr("ICT sector, trade in ICT goods and digitally deliverable services, e-commerce and ICT use by businesses and households.",
                     "Secteur des TIC, commerce de biens TIC et de services livrables par voie numérique, commerce électronique et utilisation des TIC par les entreprises et les ménages.",
                     "Sector de las TIC, comercio de bienes de TIC y de servicios que pueden prestarse digitalmente, comercio electrónico y uso de las TIC por las empresas y los hogares."))
    w.close("str:Dataflows")
    w.open("str:Codelists")
    codelist(w, "CL_DE_INDICATOR", tr("Digital economy indicators", "Indicateurs de l'économie numérique",
                                      "Indicadores de la economía digital"), CL_DE_INDICATOR)
    codelist(w, "CL_DE_UNIT", tr("Digital economy units of measure", "Unités de mesure de l'économie numérique",
                                 "Unidades de medida de la economía digital"), CL_DE_UNIT)
    w.close("str:Codelists")
    w.open("str:DataStructures")
    data_structure(
        w, "DSD_DIGITAL_ECONOMY",
        tr("Digital economy data structure", "Structure de données de l'économie numérique",
           "Estructura de datos de la economía digital"),
        tr("Annual digital economy indicators; the unit of measure is a dimension.",
           "Indicateurs annuels de l'économie numérique ; l'unité de mesure est une dimension.",
           "Indicadores anuales de la economía digital; la unidad de medida es una dimensión."),
        DE_DIMS,
        [
            ("UNIT_MULT", "Mandatory", ("CL", "CL_UNIT_MULT"), [d[0] for d in DE_DIMS]),
            ("OBS_STATUS", "Conditional", ("CL", "CL_OBS_STATUS"), "OBS"),
            ("COMMENT_OBS", "Conditional", ("TF", "String", ("maxLength", 1000)), "OBS"),
        ])
    w.close("str:DataStructures")
    footer(w)
    return w.getvalue()


# --------------------------------------------------------------------------
# 05_registry.xml
# --------------------------------------------------------------------------
SDG_AGES = ["_T", "Y0T4", "Y0T14", "Y0T17", "Y15T19", "Y15T24", "Y15T49", "Y15T64", "Y18T24",
            "Y20T24", "Y25T64", "Y_GE15", "Y_GE18", "Y_GE25", "Y_GE65"]
MIG_AGES = ["_T"] + FIVE_YEAR_AGES

# provision agreements: (id, dataflow, provider)
PROVISION_AGREEMENTS = [
    ("PA_SDG_UNSD", "DF_SDG", "UNSD"),
    ("PA_SDG_ILO", "DF_SDG", "ILO"),
    ("PA_SDG_WHO", "DF_SDG", "WHO"),
    ("PA_SDG_ITU", "DF_SDG", "ITU"),
    ("PA_SDG_GSS", "DF_SDG", "GSS"),
    ("PA_SDG_KNBS", "DF_SDG", "KNBS"),
    ("PA_MIGRANT_STOCK_UN_DESA_PD", "DF_MIGRANT_STOCK", "UN_DESA_PD"),
    ("PA_MIGRANT_STOCK_UNSD", "DF_MIGRANT_STOCK", "UNSD"),
    ("PA_DIGITAL_ECONOMY_UNCTAD", "DF_DIGITAL_ECONOMY", "UNCTAD"),
    ("PA_DIGITAL_ECONOMY_ITU", "DF_DIGITAL_ECONOMY", "ITU"),
]
PROVIDER_NAME = {p["id"]: p["name"] for p in DATA_PROVIDERS}
FLOW_NAME = {
    "DF_SDG": tr("SDG indicators", "Indicateurs des ODD", "Indicadores de los ODS"),
    "DF_MIGRANT_STOCK": tr("International migrant stock", "Nombre de migrants internationaux",
                           "Población de migrantes internacionales"),
    "DF_DIGITAL_ECONOMY": tr("Digital economy", "Économie numérique", "Economía digital"),
    "MDF_SDG_META": tr("SDG indicator metadata", "Métadonnées des indicateurs des ODD",
                       "Metadatos de los indicadores de los ODS"),
}

ILO_SERIES = ["SI_POV_EMP1", "SI_COV_BENFTS", "IC_GEN_MGTL", "SL_EMP_EARN", "SL_TLF_UEM",
              "SL_TLF_NEET", "SL_EMP_RCOST"]
ITU_SERIES = ["IT_MOB_OWN", "IT_MOB_2GNTWK", "IT_MOB_4GNTWK", "IT_NET_BBP", "IT_USE_ii99"]
WHO_SERIES = ["SP_ACS_BSRVH2O", "SH_STA_MORT", "SH_TBS_INCD", "SH_STA_TRAF", "SH_ACS_UNHC",
              "SH_H2O_SAFE", "SH_SAN_SAFE", "EG_EGY_CLEAN"]

SDG_KEY_DEFAULT = {"FREQ": "A", "REPORTING_TYPE": "N", "SEX": "_T", "AGE": "_T", "URBANISATION": "_T",
                   "INCOME_WEALTH_QUANTILE": "_T", "EDUCATION_LEV": "_T", "OCCUPATION": "_T",
                   "CUST_BREAKDOWN": "_T", "COMPOSITE_BREAKDOWN": "_Z", "DISABILITY_STATUS": "_T",
                   "ACTIVITY": "_T", "PRODUCT": "_T"}


def sdg_key(**kv):
    d = dict(SDG_KEY_DEFAULT)
    d.update(kv)
    return [(dim, d[dim]) for dim in SDG_DIM_IDS]


GSS_KEYS = [
    sdg_key(SERIES="SH_DYN_MORT", REF_AREA="288", AGE="Y0T4"),
    sdg_key(SERIES="SH_DYN_MORT", REF_AREA="288", AGE="Y0T4", SEX="F"),
    sdg_key(SERIES="SH_DYN_MORT", REF_AREA="288", AGE="Y0T4", SEX="M"),
    sdg_key(SERIES="EG_ELC_ACCS", REF_AREA="288"),
    sdg_key(SERIES="EG_ELC_ACCS", REF_AREA="288", URBANISATION="U"),
    sdg_key(SERIES="EG_ELC_ACCS", REF_AREA="288", URBANISATION="R"),
    sdg_key(SERIES="SL_TLF_UEM", REF_AREA="288", AGE="Y_GE15"),
    sdg_key(SERIES="SL_TLF_UEM", REF_AREA="288", AGE="Y15T24"),
]

# constraints: dict(id, names, type, attach=(class, id), regions=[(include, [(dim, values)])],
#                   keysets=[(isIncluded, keys)])
def content_constraints():
    inhabited = [c for c in M49_CODES if c not in M49_UNINHABITED]
    return [
        {"id": "CC_DSD_SDG", "attach": ("DataStructure", "DSD_SDG"),
         "name": tr("Allowed content of the SDG data structure", "Contenu autorisé de la structure de données des ODD",
                    "Contenido permitido de la estructura de datos de los ODS"),
         "desc": tr("Annual data only; areas without permanent population are excluded.",
                    "Données annuelles uniquement ; les zones sans population permanente sont exclues.",
                    "Solo datos anuales; se excluyen las zonas sin población permanente."),
         "regions": [(True, [("FREQ", ["A"]), ("REPORTING_TYPE", ["G", "N"]), ("SEX", ["_T", "F", "M"])]),
                     (False, [("REF_AREA", M49_UNINHABITED)])]},
        {"id": "CC_DF_SDG", "attach": ("Dataflow", "DF_SDG"),
         "name": tr("Allowed content of the SDG indicators dataflow", "Contenu autorisé du flux de données des indicateurs des ODD",
                    "Contenido permitido del flujo de datos de los indicadores de los ODS"),
         "regions": [(True, [("SERIES", SERIES_IDS), ("REF_AREA", inhabited), ("AGE", SDG_AGES)])]},
        {"id": "CC_PA_SDG_ILO", "attach": ("ProvisionAgreement", "PA_SDG_ILO"),
         "name": tr("Series reported by the ILO", "Séries communiquées par l'OIT", "Series comunicadas por la OIT"),
         "regions": [(True, [("REPORTING_TYPE", ["G"]), ("SERIES", ILO_SERIES)])]},
        {"id": "CC_PA_SDG_WHO", "attach": ("ProvisionAgreement", "PA_SDG_WHO"),
         "name": tr("Series reported by the WHO", "Séries communiquées par l'OMS", "Series comunicadas por la OMS"),
         "regions": [(True, [("REPORTING_TYPE", ["G"]), ("SERIES", WHO_SERIES)])]},
        {"id": "CC_PA_SDG_ITU", "attach": ("ProvisionAgreement", "PA_SDG_ITU"),
         "name": tr("Series reported by the ITU", "Séries communiquées par l'UIT", "Series comunicadas por la UIT"),
         "regions": [(True, [("REPORTING_TYPE", ["G"]), ("SERIES", ITU_SERIES)])]},
        {"id": "CC_PA_SDG_GSS", "attach": ("ProvisionAgreement", "PA_SDG_GSS"),
         "name": tr("Series keys reported by the Ghana Statistical Service",
                    "Clés de séries communiquées par le Service statistique du Ghana",
                    "Claves de series comunicadas por el Servicio de Estadística de Ghana"),
         "keysets": [(True, GSS_KEYS)]},
        {"id": "CC_PA_SDG_KNBS", "attach": ("ProvisionAgreement", "PA_SDG_KNBS"),
         "name": tr("National data reported by the Kenya National Bureau of Statistics",
                    "Données nationales communiquées par le Bureau national de statistique du Kenya",
                    "Datos nacionales comunicados por la Oficina Nacional de Estadística de Kenya"),
         "regions": [(True, [("REPORTING_TYPE", ["N"]), ("REF_AREA", ["404"])])]},
        {"id": "CC_DF_MIGRANT_STOCK", "attach": ("Dataflow", "DF_MIGRANT_STOCK"),
         "name": tr("Allowed content of the international migrant stock dataflow",
                    "Contenu autorisé du flux de données sur le nombre de migrants internationaux",
                    "Contenido permitido del flujo de datos de la población de migrantes internacionales"),
         "regions": [(True, [("SEX", ["_T", "F", "M"]), ("AGE", MIG_AGES),
                             ("TIME_PERIOD", ("1990", "2024"))])]},
    ]


DSD_OF_FLOW = {"DF_SDG": "DSD_SDG", "DF_MIGRANT_STOCK": "DSD_MIGRANT_STOCK",
               "DF_DIGITAL_ECONOMY": "DSD_DIGITAL_ECONOMY"}
FLOW_OF_PA = {pa: df for pa, df, _ in PROVISION_AGREEMENTS}
DIMS_OF_DSD = {"DSD_SDG": SDG_DIMS, "DSD_MIGRANT_STOCK": MIG_DIMS, "DSD_DIGITAL_ECONOMY": DE_DIMS}
CODES_OF_CL = {}  # filled in main() from the tables


def _check_constraint_values(cc):
    cls, target = cc["attach"]
    dsd = target if cls == "DataStructure" else DSD_OF_FLOW[target if cls == "Dataflow" else FLOW_OF_PA[target]]
    dims = dict(DIMS_OF_DSD[dsd])
    pairs = []
    for _, kvs in cc.get("regions", []):
        pairs.extend(kvs)
    for _, keys in cc.get("keysets", []):
        for key in keys:
            pairs.extend((d, [v]) for d, v in key)
    for dim, vals in pairs:
        if dim == "TIME_PERIOD":
            continue
        if dim not in dims:
            raise ValueError("%s: %s is not a dimension of %s" % (cc["id"], dim, dsd))
        bad = [v for v in vals if v not in CODES_OF_CL[dims[dim]]]
        if bad:
            raise ValueError("%s: values %s not in %s" % (cc["id"], bad, dims[dim]))


def write_constraint(w, cc):
    _check_constraint_values(cc)
    maint_open(w, "str:ContentConstraint", "ContentConstraint", cc["id"], cc["name"], cc.get("desc"),
               extra=[("type", "Allowed")])
    w.open("str:ConstraintAttachment")
    ref(w, "str:" + cc["attach"][0], cc["attach"][0], cc["attach"][1])
    w.close("str:ConstraintAttachment")
    for inc, keys in cc.get("keysets", []):
        write_keyset(w, inc, keys)
    for inc, kvs in cc.get("regions", []):
        w.open("str:CubeRegion", ("include", inc))
        for dim, vals in kvs:
            w.open("com:KeyValue", ("id", dim))
            if dim == "TIME_PERIOD":
                w.open("com:TimeRange")
                w.text("com:StartPeriod", vals[0], ("isInclusive", True))
                w.text("com:EndPeriod", vals[1], ("isInclusive", True))
                w.close("com:TimeRange")
            else:
                for v in vals:
                    w.text("com:Value", v)
            w.close("com:KeyValue")
        w.close("str:CubeRegion")
    w.close("str:ContentConstraint")


def write_keyset(w, inc, keys):
    w.open("str:DataKeySet", ("isIncluded", inc))
    for key in keys:
        w.open("str:Key")
        for dim, v in key:
            w.open("com:KeyValue", ("id", dim))
            w.text("com:Value", v)
            w.close("com:KeyValue")
        w.close("str:Key")
    w.close("str:DataKeySet")


def category_scheme(w, mid, nm, desc, tree, anns=None):
    """tree: list of (id, names, desc, children)."""
    maint_open(w, "str:CategoryScheme", "CategoryScheme", mid, nm, desc, anns)

    def rec(node, path):
        cid, cnm, cdesc, children = node
        p = path + [cid]
        w.open("str:Category", ("urn", iurn("Category", AG, mid, V, *p)), ("id", cid))
        names(w, cnm)
        if cdesc:
            names(w, cdesc, "com:Description")
        for ch in children:
            rec(ch, p)
        w.close("str:Category")

    for node in tree:
        rec(node, [])
    w.close("str:CategoryScheme")


def categorisation(w, cid, src_cls, src_id, scheme, cat_path, nm):
    maint_open(w, "str:Categorisation", "Categorisation", cid, nm)
    ref(w, "str:Source", src_cls, src_id)
    item_ref(w, "str:Target", "Category", scheme, cat_path)
    w.close("str:Categorisation")


def msd(w):
    mid = "MSD_SDG_META"
    maint_open(w, "str:MetadataStructure", "MetadataStructure", mid,
               tr("SDG indicator metadata structure", "Structure des métadonnées des indicateurs des ODD",
                  "Estructura de metadatos de los indicadores de los ODS"),
               tr("Reference metadata (definitions, methodology, sources) attached to SDG series or to a dataflow.",
                  "Métadonnées de référence (définitions, méthodologie, sources) rattachées aux séries des ODD ou à un flux de données.",
                  "Metadatos de referencia (definiciones, metodología, fuentes) vinculados a las series de los ODS o a un flujo de datos."))
    w.open("str:MetadataStructureComponents")
    # target 1: an SDG series code, per reporting period
    w.open("str:MetadataTarget", ("urn", iurn("MetadataTarget", AG, mid, V, "SERIES_TARGET")), ("id", "SERIES_TARGET"))
    w.open("str:IdentifiableObjectTarget",
           ("urn", iurn("IdentifiableObjectTarget", AG, mid, V, "SERIES_TARGET", "SERIES")),
           ("id", "SERIES"), ("objectType", "Code"))
    w.open("str:LocalRepresentation")
    ref(w, "str:Enumeration", "Codelist", "CL_SERIES")
    w.close("str:LocalRepresentation")
    w.close("str:IdentifiableObjectTarget")
    w.open("str:ReportPeriodTarget",
           ("urn", iurn("ReportPeriodTarget", AG, mid, V, "SERIES_TARGET", "REPORT_PERIOD_TARGET")),
           ("id", "REPORT_PERIOD_TARGET"))
    w.open("str:LocalRepresentation")
    w.empty("str:TextFormat", ("textType", "ObservationalTimePeriod"))
    w.close("str:LocalRepresentation")
    w.close("str:ReportPeriodTarget")
    w.close("str:MetadataTarget")
    # target 2: a dataflow
    w.open("str:MetadataTarget", ("urn", iurn("MetadataTarget", AG, mid, V, "DATAFLOW_TARGET")),
           ("id", "DATAFLOW_TARGET"))
    w.open("str:IdentifiableObjectTarget",
           ("urn", iurn("IdentifiableObjectTarget", AG, mid, V, "DATAFLOW_TARGET", "DATAFLOW")),
           ("id", "DATAFLOW"), ("objectType", "Dataflow"))
    w.open("str:LocalRepresentation")
    w.empty("str:TextFormat", ("textType", "IdentifiableReference"))
    w.close("str:LocalRepresentation")
    w.close("str:IdentifiableObjectTarget")
    w.close("str:MetadataTarget")
    # report structure
    rs = "SDG_METADATA_REPORT"
    w.open("str:ReportStructure", ("urn", iurn("ReportStructure", AG, mid, V, rs)), ("id", rs))

    def mattr(aid, path, rep=None, children=(), **kw):
        p = path + [aid]
        attrs = [("urn", iurn("MetadataAttribute", AG, mid, V, rs, *p)), ("id", aid)]
        for k in ("minOccurs", "maxOccurs", "isPresentational"):
            if k in kw:
                attrs.append((k, kw[k]))
        w.open("str:MetadataAttribute", *attrs)
        concept_ref(w, "str:ConceptIdentity", aid)
        if rep:
            local_rep(w, rep)
        for ch in children:
            mattr(ch[0], p, ch[1], (), **ch[2])
        w.close("str:MetadataAttribute")

    narrative = ("TF", "XHTML")
    mattr("META_INDICATOR_INFO", [], None, [
        ("META_DEFINITION", narrative, {}),
        ("META_RATIONALE", narrative, {"minOccurs": 0}),
        ("META_METHODOLOGY", narrative, {}),
        ("META_DATA_SOURCES", narrative, {"maxOccurs": "unbounded"}),
        ("META_LIMITATIONS", narrative, {"minOccurs": 0}),
    ], isPresentational=True)
    mattr("META_CUSTODIAN", [], ("TF", "String"), maxOccurs="unbounded")
    mattr("META_LAST_UPDATE", [], ("TF", "GregorianDay"))
    for t in ("SERIES_TARGET", "DATAFLOW_TARGET"):
        w.open("str:MetadataTarget")
        w.empty("Ref", ("id", t))
        w.close("str:MetadataTarget")
    w.close("str:ReportStructure")
    w.close("str:MetadataStructureComponents")
    w.close("str:MetadataStructure")


def hcl(w):
    mid = "HCL_M49"
    maint_open(w, "str:HierarchicalCodelist", "HierarchicalCodelist", mid,
               tr("UN M49 geographic regions", "Régions géographiques M49 de l'ONU",
                  "Regiones geográficas M49 de las Naciones Unidas", "Географические регионы M49 ООН",
                  "联合国 M49 地理区域", "المناطق الجغرافية M49 للأمم المتحدة"),
               tr("Hierarchies of the M49 geographic regions over the codes of SDMXD:CL_AREA(1.0).",
                  "Hiérarchies des régions géographiques M49 sur les codes de SDMXD:CL_AREA(1.0).",
                  "Jerarquías de las regiones geográficas M49 sobre los códigos de SDMXD:CL_AREA(1.0)."))
    w.open("str:IncludedCodelist", ("alias", "M49"))
    w.empty("Ref", ("agencyID", AG), ("id", "CL_AREA"), ("version", V), ("class", "Codelist"),
            ("package", "codelist"))
    w.close("str:IncludedCodelist")
    children = {}
    for code, parent, nm, is_region in M49:
        children.setdefault(parent, []).append((code, is_region))

    def rec(hid, code, path, regions_only):
        p = path + [code]
        w.open("str:HierarchicalCode", ("urn", iurn("HierarchicalCode", AG, mid, V, hid, *p)), ("id", code))
        w.text("str:CodelistAliasRef", "M49")
        w.open("str:CodeID")
        w.empty("Ref", ("id", code), ("class", "Code"), ("package", "codelist"))
        w.close("str:CodeID")
        for ch, is_region in children.get(code, []):
            if regions_only and not is_region:
                continue
            rec(hid, ch, p, regions_only)
        w.close("str:HierarchicalCode")

    for hid, nm, regions_only in [
            ("M49_GEO", tr("Geographic regions and their countries or areas",
                           "Régions géographiques et leurs pays ou zones",
                           "Regiones geográficas y sus países o zonas"), False),
            ("M49_REGIONS", tr("Geographic regions only", "Régions géographiques uniquement",
                               "Solo regiones geográficas"), True)]:
        w.open("str:Hierarchy", ("urn", iurn("Hierarchy", AG, mid, V, hid)), ("id", hid))
        names(w, nm)
        rec(hid, "001", [], regions_only)
        w.close("str:Hierarchy")
    w.close("str:HierarchicalCodelist")


def structure_set(w):
    mid = "SS_DE_SDG"
    maint_open(w, "str:StructureSet", "StructureSet", mid,
               tr("Digital economy to SDG mapping", "Correspondance économie numérique - ODD",
                  "Correspondencia entre economía digital y ODS"),
               tr("Maps digital economy indicators and units onto the SDG series and units of measure.",
                  "Établit la correspondance entre les indicateurs et unités de l'économie numérique et les séries et unités de mesure des ODD.",
                  "Establece la correspondencia entre los indicadores y unidades de la economía digital y las series y unidades de medida de los ODS."))
    ref(w, "str:RelatedStructure", "DataStructure", "DSD_DIGITAL_ECONOMY")
    ref(w, "str:RelatedStructure", "DataStructure", "DSD_SDG")
    maps = [
        ("CLM_DE_UNIT", "CL_DE_UNIT", "CL_UNIT_MEASURE",
         tr("Digital economy units to units of measure", "Unités de l'économie numérique vers unités de mesure",
            "Unidades de la economía digital a unidades de medida"),
         [("USD", "USD"), ("PERCENT", "PERCENT"), ("INDEX", "INDEX"), ("NUMBER", "NUMBER"),
          ("PER_100_POP", "PER_100_POP")]),
        ("CLM_DE_INDICATOR", "CL_DE_INDICATOR", "CL_SERIES",
         tr("Digital economy indicators to SDG series", "Indicateurs de l'économie numérique vers séries des ODD",
            "Indicadores de la economía digital a series de los ODS"),
         [("IND_INTERNET", "IT_USE_ii99"), ("FIX_BB_SUBS", "IT_NET_BBP")]),
    ]
    for mapid, src, tgt, nm, pairs in maps:
        for s, t in pairs:
            assert s in CODES_OF_CL[src] and t in CODES_OF_CL[tgt], (s, t)
        w.open("str:CodelistMap", ("urn", iurn("CodelistMap", AG, mid, V, mapid)), ("id", mapid))
        names(w, nm)
        ref(w, "str:Source", "Codelist", src)
        ref(w, "str:Target", "Codelist", tgt)
        for s, t in pairs:
            w.open("str:CodeMap")
            w.open("str:Source")
            w.empty("Ref", ("id", s))
            w.close("str:Source")
            w.open("str:Target")
            w.empty("Ref", ("id", t))
            w.close("str:Target")
            w.close("str:CodeMap")
        w.close("str:CodelistMap")
    w.open("str:StructureMap", ("urn", iurn("StructureMap", AG, mid, V, "SM_DE_SDG")), ("id", "SM_DE_SDG"))
    names(w, tr("Digital economy dataflow to SDG dataflow", "Flux de l'économie numérique vers flux des ODD",
                "Flujo de la economía digital a flujo de los ODS"))
    ref(w, "str:Source", "Dataflow", "DF_DIGITAL_ECONOMY")
    ref(w, "str:Target", "Dataflow", "DF_SDG")
    comp = {"Dimension": "DimensionDescriptor", "TimeDimension": "DimensionDescriptor",
            "Attribute": "AttributeDescriptor"}
    for (sid, scls), (tid, tcls), clm in [
            (("INDICATOR", "Dimension"), ("SERIES", "Dimension"), "CLM_DE_INDICATOR"),
            (("REF_AREA", "Dimension"), ("REF_AREA", "Dimension"), None),
            (("UNIT_MEASURE", "Dimension"), ("UNIT_MEASURE", "Attribute"), "CLM_DE_UNIT"),
            (("TIME_PERIOD", "TimeDimension"), ("TIME_PERIOD", "TimeDimension"), None)]:
        w.open("str:ComponentMap")
        for tag, cid, ccls in (("str:Source", sid, scls), ("str:Target", tid, tcls)):
            w.open(tag)
            w.empty("Ref", ("containerID", comp[ccls]), ("id", cid), ("class", ccls), ("package", "datastructure"))
            w.close(tag)
        if clm:
            w.open("str:RepresentationMapping")
            w.open("str:CodelistMap")
            w.empty("Ref", ("id", clm))
            w.close("str:CodelistMap")
            w.close("str:RepresentationMapping")
        w.close("str:ComponentMap")
    w.close("str:StructureMap")
    w.close("str:StructureSet")


def reporting_taxonomy(w):
    mid = "RT_SDMXD"
    maint_open(w, "str:ReportingTaxonomy", "ReportingTaxonomy", mid,
               tr("sdmxd reporting taxonomy", "Taxonomie de déclaration sdmxd", "Taxonomía de notificación de sdmxd"),
               tr("Groups the dataflows, metadataflow and structures that providers report to the hub.",
                  "Regroupe les flux de données, le flux de métadonnées et les structures que les fournisseurs déclarent à la plateforme.",
                  "Agrupa los flujos de datos, el flujo de metadatos y las estructuras que los proveedores comunican a la plataforma."))

    def rc(path, cid, nm, children=(), prov=(), struct=()):
        p = path + [cid]
        w.open("str:ReportingCategory", ("urn", iurn("ReportingCategory", AG, mid, V, *p)), ("id", cid))
        names(w, nm)
        for ch in children:
            rc(p, *ch)
        for cls, i in prov:
            ref(w, "str:ProvisioningMetadata", cls, i)
        for cls, i in struct:
            ref(w, "str:StructuralMetadata", cls, i)
        w.close("str:ReportingCategory")

    rc([], "DATA", tr("Data reporting", "Déclaration de données", "Notificación de datos"), children=[
        ("SDG_DATA", tr("SDG indicators", "Indicateurs des ODD", "Indicadores de los ODS"), (),
         [("Dataflow", "DF_SDG")]),
        ("MIGRATION_DATA", tr("International migrant stock", "Nombre de migrants internationaux",
                              "Población de migrantes internacionales"), (), [("Dataflow", "DF_MIGRANT_STOCK")]),
        ("DIGITAL_DATA", tr("Digital economy", "Économie numérique", "Economía digital"), (),
         [("Dataflow", "DF_DIGITAL_ECONOMY")]),
    ])
    rc([], "METADATA", tr("Metadata reporting", "Déclaration de métadonnées", "Notificación de metadatos"),
       prov=[("Metadataflow", "MDF_SDG_META")])
    rc([], "STRUCTURES", tr("Reporting structures", "Structures de déclaration", "Estructuras de notificación"),
       struct=[("DataStructure", "DSD_SDG"), ("DataStructure", "DSD_MIGRANT_STOCK"),
               ("DataStructure", "DSD_DIGITAL_ECONOMY"), ("MetadataStructure", "MSD_SDG_META")])
    w.close("str:ReportingTaxonomy")


def obj_ref(w, tag, cls, mid):
    w.open(tag)
    ref(w, "str:ObjectReference", cls, mid)
    w.close(tag)


def process(w):
    mid = "PROC_SDG_COMPILATION"
    maint_open(w, "str:Process", "Process", mid,
               tr("SDG data compilation", "Compilation des données des ODD", "Compilación de datos de los ODS"),
               tr("From the collection of custodian agency data to the dissemination of the SDG dataflow.",
                  "De la collecte des données des organismes responsables à la diffusion du flux de données des ODD.",
                  "Desde la recopilación de los datos de los organismos responsables hasta la difusión del flujo de datos de los ODS."))
    w.open("str:ProcessStep", ("urn", iurn("ProcessStep", AG, mid, V, "COLLECT")), ("id", "COLLECT"))
    names(w, tr("Data collection", "Collecte des données", "Recopilación de datos"))
    names(w, tr("Custodian agencies and national statistical offices report data under their provision agreements.",
                "Les organismes responsables et les instituts nationaux de statistique déclarent leurs données au titre de leurs accords de fourniture.",
                "Los organismos responsables y las oficinas nacionales de estadística comunican sus datos en virtud de sus acuerdos de suministro."),
          "com:Description")
    for pa in ("PA_SDG_UNSD", "PA_SDG_ILO", "PA_SDG_WHO", "PA_SDG_ITU"):
        obj_ref(w, "str:Input", "ProvisionAgreement", pa)
    obj_ref(w, "str:Output", "Dataflow", "DF_SDG")
    w.open("str:Computation", ("localID", "LOAD"), ("softwarePackage", "sdmxd"))
    names(w, tr("Structural validation of the reported data sets against DSD_SDG and its constraints.",
                "Validation structurelle des jeux de données déclarés par rapport à DSD_SDG et à ses contraintes.",
                "Validación estructural de los conjuntos de datos comunicados con respecto a DSD_SDG y sus restricciones."),
          "com:Description")
    w.close("str:Computation")
    w.open("str:Transition", ("localID", "TO_DISSEMINATE"))
    w.open("str:TargetStep")
    w.empty("Ref", ("id", "DISSEMINATE"))
    w.close("str:TargetStep")
    names(w, tr("All reported data sets passed validation.", "Tous les jeux de données déclarés ont été validés.",
                "Todos los conjuntos de datos comunicados superaron la validación."), "str:Condition")
    w.close("str:Transition")
    w.close("str:ProcessStep")
    w.open("str:ProcessStep", ("urn", iurn("ProcessStep", AG, mid, V, "DISSEMINATE")), ("id", "DISSEMINATE"))
    names(w, tr("Dissemination", "Diffusion", "Difusión"))
    names(w, tr("Validated data and indicator metadata are published through the SDMX REST API.",
                "Les données validées et les métadonnées des indicateurs sont publiées au moyen de l'API REST SDMX.",
                "Los datos validados y los metadatos de los indicadores se publican mediante la API REST de SDMX."),
          "com:Description")
    obj_ref(w, "str:Input", "Dataflow", "DF_SDG")
    obj_ref(w, "str:Input", "Metadataflow", "MDF_SDG_META")
    w.close("str:ProcessStep")
    w.close("str:Process")


def build_registry():
    w = W()
    header(w, "SDMXD_STRUCTURES_05_REGISTRY")
    # Metadataflows
    w.open("str:Metadataflows")
    maint_open(w, "str:Metadataflow", "Metadataflow", "MDF_SDG_META", FLOW_NAME["MDF_SDG_META"],
               tr("Definitions, methodology, sources and custodians of the SDG indicator series.",
                  "Définitions, méthodologie, sources et organismes responsables des séries d'indicateurs des ODD.",
                  "Definiciones, metodología, fuentes y organismos responsables de las series de indicadores de los ODS."))
    ref(w, "str:Structure", "MetadataStructure", "MSD_SDG_META")
    w.close("str:Metadataflow")
    w.close("str:Metadataflows")

    # Category schemes
    w.open("str:CategorySchemes")
    category_scheme(w, "SDG_GOALS",
                    tr("Sustainable Development Goals", "Objectifs de développement durable",
                       "Objetivos de Desarrollo Sostenible", "Цели в области устойчивого развития",
                       "可持续发展目标", "أهداف التنمية المستدامة"),
                    tr("The 17 goals of the 2030 Agenda for Sustainable Development.",
                       "Les 17 objectifs du Programme de développement durable à l'horizon 2030.",
                       "Los 17 objetivos de la Agenda 2030 para el Desarrollo Sostenible."),
                    [(g["id"], g["name"], g["desc"], []) for g in SDG_GOALS])
    category_scheme(w, "TOPICS", tr("Statistical topics", "Thèmes statistiques", "Temas estadísticos"),
                    tr("Subject-matter classification of the demonstration dataflows.",
                       "Classement thématique des flux de données de démonstration.",
                       "Clasificación temática de los flujos de datos de demostración."),
                    [(i, n, None, [(ci, cn, None, []) for ci, cn, _ in ch]) for i, n, ch in TOPICS])
    w.close("str:CategorySchemes")

    # Categorisations
    w.open("str:Categorisations")
    goals_sdg = sorted(set(s["goal"] for s in SERIES))
    cats = [("CAT_DF_SDG_" + goal_id(g), "Dataflow", "DF_SDG", "SDG_GOALS", goal_id(g), g) for g in goals_sdg]
    cats += [
        ("CAT_DF_SDG_TOPIC", "Dataflow", "DF_SDG", "TOPICS", "DEV.SDG", None),
        ("CAT_DF_MIGRANT_STOCK_TOPIC", "Dataflow", "DF_MIGRANT_STOCK", "TOPICS", "POP.MIG", None),
        ("CAT_DF_MIGRANT_STOCK_GOAL_10", "Dataflow", "DF_MIGRANT_STOCK", "SDG_GOALS", goal_id(10), 10),
        ("CAT_DF_DIGITAL_ECONOMY_TOPIC", "Dataflow", "DF_DIGITAL_ECONOMY", "TOPICS", "ECO.DIGITAL", None),
        ("CAT_DF_DIGITAL_ECONOMY_GOAL_09", "Dataflow", "DF_DIGITAL_ECONOMY", "SDG_GOALS", goal_id(9), 9),
        ("CAT_DF_DIGITAL_ECONOMY_GOAL_17", "Dataflow", "DF_DIGITAL_ECONOMY", "SDG_GOALS", goal_id(17), 17),
        ("CAT_MDF_SDG_META_TOPIC", "Metadataflow", "MDF_SDG_META", "TOPICS", "DEV.SDG", None),
    ]
    topic_names = {}
    for i, n, ch in TOPICS:
        for ci, cn, _ in ch:
            topic_names[i + "." + ci] = cn
    for cid, scls, sid, scheme, cat, goal in cats:
        fn = FLOW_NAME[sid]
        if goal:
            nm = tr("%s - Goal %d" % (fn["en"], goal), "%s - Objectif %d" % (fn["fr"], goal),
                    "%s - Objetivo %d" % (fn["es"], goal))
        else:
            tn = topic_names[cat]
            nm = tr("%s - %s" % (fn["en"], tn["en"]), "%s - %s" % (fn["fr"], tn["fr"]),
                    "%s - %s" % (fn["es"], tn["es"]))
        categorisation(w, cid, scls, sid, scheme, cat, nm)
    w.close("str:Categorisations")

    w.open("str:HierarchicalCodelists")
    hcl(w)
    w.close("str:HierarchicalCodelists")

    w.open("str:MetadataStructures")
    msd(w)
    w.close("str:MetadataStructures")

    w.open("str:StructureSets")
    structure_set(w)
    w.close("str:StructureSets")

    w.open("str:ReportingTaxonomies")
    reporting_taxonomy(w)
    w.close("str:ReportingTaxonomies")

    w.open("str:Processes")
    process(w)
    w.close("str:Processes")

    # Constraints
    w.open("str:Constraints")
    maint_open(w, "str:AttachmentConstraint", "AttachmentConstraint", "AC_SDG_GLOBAL_SERIES",
               tr("Attribute attachment for global poverty and hunger series",
                  "Rattachement des attributs pour les séries mondiales sur la pauvreté et la faim",
                  "Vinculación de atributos para las series mundiales de pobreza y hambre"),
               tr("Keys of the global series to which footnotes and source details are attached.",
                  "Clés des séries mondiales auxquelles sont rattachées les notes et les précisions sur la source.",
                  "Claves de las series mundiales a las que se vinculan las notas y los detalles de la fuente."))
    w.open("str:ConstraintAttachment")
    ref(w, "str:DataStructure", "DataStructure", "DSD_SDG")
    w.close("str:ConstraintAttachment")
    write_keyset(w, True, [[("REPORTING_TYPE", "G"), ("SERIES", s), ("REF_AREA", "001")]
                           for s in ("SI_POV_DAY1", "SN_ITK_DEFC")])
    w.close("str:AttachmentConstraint")
    for cc in content_constraints():
        write_constraint(w, cc)
    w.close("str:Constraints")

    # Provision agreements
    w.open("str:ProvisionAgreements")
    for pa, df, prov in PROVISION_AGREEMENTS:
        pn, fn = PROVIDER_NAME[prov], FLOW_NAME[df]
        maint_open(w, "str:ProvisionAgreement", "ProvisionAgreement", pa,
                   tr("%s - %s" % (pn["en"], fn["en"]), "%s - %s" % (pn["fr"], fn["fr"]),
                      "%s - %s" % (pn["es"], fn["es"])))
        ref(w, "str:StructureUsage", "Dataflow", df)
        item_ref(w, "str:DataProvider", "DataProvider", "DATA_PROVIDERS", prov)
        w.close("str:ProvisionAgreement")
    w.close("str:ProvisionAgreements")
    footer(w)
    return w.getvalue()


# ==========================================================================
# CHECKS AND MAIN
# ==========================================================================
CODELIST_TABLES = {
    "CL_AREA": None, "CL_FREQ": CL_FREQ, "CL_SEX": CL_SEX, "CL_AGE": CL_AGE,
    "CL_UNIT_MULT": CL_UNIT_MULT, "CL_OBS_STATUS": CL_OBS_STATUS, "CL_NATURE": CL_NATURE,
    "CL_UNIT_MEASURE": CL_UNIT_MEASURE, "CL_REPORTING_TYPE": CL_REPORTING_TYPE,
    "CL_SERIES": SERIES, "CL_URBANISATION": CL_URBANISATION,
    "CL_INCOME_WEALTH_QUANTILE": CL_INCOME_WEALTH_QUANTILE, "CL_EDUCATION_LEV": CL_EDUCATION_LEV,
    "CL_OCCUPATION": CL_OCCUPATION, "CL_CUST_BREAKDOWN": CL_CUST_BREAKDOWN,
    "CL_COMP_BREAKDOWN": CL_COMP_BREAKDOWN, "CL_DISABILITY_STATUS": CL_DISABILITY_STATUS,
    "CL_ACTIVITY": CL_ACTIVITY, "CL_PRODUCT": CL_PRODUCT, "CL_DE_INDICATOR": CL_DE_INDICATOR,
    "CL_DE_UNIT": CL_DE_UNIT,
}
for _k, _v in CODELIST_TABLES.items():
    CODES_OF_CL[_k] = set(M49_CODES) if _v is None else {c["id"] for c in _v}

FILES = [
    ("01_common.xml", build_common),
    ("02_sdg.xml", build_sdg),
    ("03_migration.xml", build_migration),
    ("04_digital_economy.xml", build_digital_economy),
    ("05_registry.xml", build_registry),
]

ITEM_SCHEME_OF = {v: k for k, v in ITEM_OF.items()}


def _local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def _collect_items(scheme_el, item_name):
    """Return {path: element} of the items of an item scheme (nested ids dotted)."""
    out = {}

    def rec(el, prefix):
        for ch in el:
            if ch.tag == "{%s}%s" % (NS_STR, item_name):
                p = prefix + [ch.get("id")]
                out[".".join(p)] = ch
                rec(ch, p)
    rec(scheme_el, [])
    return out


def check_files(paths):
    """Reference integrity over the files, in load order. Returns (errors, summary)."""
    errors = []
    defined = {}      # (class, agency, id, version) -> file
    items = {}        # same key -> set of item paths
    summary = []
    for path in paths:
        fname = os.path.basename(path)
        root = ET.parse(path).getroot()
        structs = root.find("{%s}Structures" % NS_MES)
        arts = []
        hcls, clmaps = [], []
        for container in structs:
            for m in container:
                cls = _local(m.tag)
                key = (cls, m.get("agencyID"), m.get("id"), m.get("version", "1.0"))
                if key in defined:
                    errors.append("%s: duplicate %s" % (fname, key))
                defined[key] = fname
                if m.get("urn") != murn(cls, key[1], key[2], key[3]):
                    errors.append("%s: bad urn %s" % (fname, m.get("urn")))
                n_items = None
                if cls in ITEM_OF:
                    its = _collect_items(m, ITEM_OF[cls])
                    items[key] = set(its)
                    n_items = len(its)
                    for ipath, el in its.items():
                        par = el.find("{%s}Parent/Ref" % NS_STR)
                        if par is not None and par.get("id") not in its:
                            errors.append("%s: %s item %s has unknown parent %s"
                                          % (fname, key[2], ipath, par.get("id")))
                        if el.get("urn") and cls != "AgencyScheme" and \
                                el.get("urn") != iurn(ITEM_OF[cls], key[1], key[2], key[3], ipath):
                            errors.append("%s: bad item urn %s" % (fname, el.get("urn")))
                if cls == "HierarchicalCodelist":
                    hcls.append(m)
                if cls == "StructureSet":
                    clmaps.extend(m.findall("{%s}CodelistMap" % NS_STR))
                arts.append((cls, "%s:%s(%s)" % key[1:], n_items))
        # maintainable and item references
        for r in root.iter("Ref"):
            agency = r.get("agencyID")
            if agency is None:
                continue
            cls, pkg = r.get("class"), r.get("package")
            if cls not in CLS or CLS[cls][0] != pkg:
                errors.append("%s: bad class/package %s/%s" % (fname, cls, pkg))
                continue
            if r.get("maintainableParentID"):
                skey = (ITEM_SCHEME_OF[cls], agency, r.get("maintainableParentID"),
                        r.get("maintainableParentVersion", "1.0"))
                if skey not in defined:
                    errors.append("%s: unresolved item scheme %s" % (fname, skey))
                elif r.get("id") not in items[skey]:
                    errors.append("%s: unresolved item %s in %s" % (fname, r.get("id"), skey))
            else:
                key = (cls, agency, r.get("id"), r.get("version", "1.0"))
                if key not in defined:
                    errors.append("%s: unresolved reference %s" % (fname, key))
        # hierarchical codelist code ids
        for h in hcls:
            aliases = {}
            for inc in h.findall("{%s}IncludedCodelist" % NS_STR):
                r = inc.find("Ref")
                aliases[inc.get("alias")] = ("Codelist", r.get("agencyID"), r.get("id"), r.get("version"))
            for hc in h.iter("{%s}HierarchicalCode" % NS_STR):
                alias = hc.findtext("{%s}CodelistAliasRef" % NS_STR)
                cid = hc.find("{%s}CodeID/Ref" % NS_STR).get("id")
                if alias not in aliases or cid not in items.get(aliases[alias], ()):
                    errors.append("%s: HCL code %s/%s unresolved" % (fname, alias, cid))
        # codelist maps
        for cm in clmaps:
            src = cm.find("{%s}Source/Ref" % NS_STR)
            tgt = cm.find("{%s}Target/Ref" % NS_STR)
            sk = ("Codelist", src.get("agencyID"), src.get("id"), src.get("version"))
            tk = ("Codelist", tgt.get("agencyID"), tgt.get("id"), tgt.get("version"))
            for m in cm.findall("{%s}CodeMap" % NS_STR):
                s = m.find("{%s}Source/Ref" % NS_STR).get("id")
                t = m.find("{%s}Target/Ref" % NS_STR).get("id")
                if s not in items.get(sk, ()) or t not in items.get(tk, ()):
                    errors.append("%s: code map %s -> %s unresolved" % (fname, s, t))
        summary.append((fname, arts))
    # every maintenance agency must be declared in SDMX:AGENCIES
    agencies = items.get(("AgencyScheme", "SDMX", "AGENCIES", "1.0"), set()) | {"SDMX"}
    for key in defined:
        if key[1] not in agencies:
            errors.append("agency %s of %s not in SDMX:AGENCIES" % (key[1], key))
    return errors, summary


def main(argv):
    check_only = "--check-only" in argv
    xsd = None
    if "--xsd" in argv:
        xsd = argv[argv.index("--xsd") + 1]
    paths = []
    for fname, builder in FILES:
        path = os.path.join(OUT_DIR, fname)
        paths.append(path)
        if check_only:
            continue
        data = builder()
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)
    errors, summary = check_files(paths)
    for fname, arts in summary:
        print(fname)
        for cls, ident, n in arts:
            print("  %-24s %s%s" % (cls, ident, "" if n is None else "  [%d items]" % n))
    if xsd:
        import subprocess
        for path in paths:
            r = subprocess.run(["xmllint", "--noout", "--schema", xsd, path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                errors.append("schema validation failed: %s\n%s" % (path, r.stdout[-4000:]))
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        return 1
    print("OK: %d files, all references resolve%s" % (len(paths), ", schema-valid" if xsd else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
