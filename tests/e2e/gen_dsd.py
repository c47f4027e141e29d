"""Small SDMX-ML 2.1 structure messages generated for tests: agency T, concept scheme T:CS,
codelist T:CL_A (codes X, Y), a DSD with dimension A and TIME_PERIOD, the attributes asked
for, and a dataflow T:<DSD id>_DF on it."""

HEAD = ('<?xml version="1.0"?>\n<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/'
        'schemas/v2_1/message" xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/'
        'structure" xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
        '<mes:Header><mes:ID>T</mes:ID><mes:Test>false</mes:Test><mes:Prepared>2024-01-01T00:00:00'
        '</mes:Prepared><mes:Sender id="T"/></mes:Header><mes:Structures>\n')
CONCEPT = ('<str:ConceptIdentity><Ref agencyID="T" maintainableParentID="CS" '
           'maintainableParentVersion="1.0" id="C" class="Concept" package="conceptscheme"/>'
           '</str:ConceptIdentity>')
OBS_LEVEL = '<str:AttributeRelationship><str:PrimaryMeasure><Ref id="OBS_VALUE"/></str:PrimaryMeasure></str:AttributeRelationship>'


def attribute(aid, mandatory=False, pattern=None):
    """An attribute of the observation: free text (with a pattern facet when given)."""
    facet = ' pattern="%s"' % pattern if pattern is not None else ""
    return ('<str:Attribute id="%s" assignmentStatus="%s">%s<str:LocalRepresentation>'
            '<str:TextFormat textType="String"%s/></str:LocalRepresentation>%s</str:Attribute>'
            % (aid, "Mandatory" if mandatory else "Conditional", CONCEPT, facet, OBS_LEVEL))


def message(dsd_id, attributes, with_common=True):
    """The structure message: the common artefacts (unless with_common is False), the DSD and
    its dataflow."""
    out = [HEAD]
    out.append('<str:Dataflows><str:Dataflow agencyID="T" id="%s_DF" version="1.0"><com:Name '
               'xml:lang="en">Flow</com:Name><str:Structure><Ref agencyID="T" id="%s" '
               'version="1.0" class="DataStructure" package="datastructure"/></str:Structure>'
               '</str:Dataflow></str:Dataflows>\n' % (dsd_id, dsd_id))
    if with_common:
        out.append('<str:Codelists><str:Codelist agencyID="T" id="CL_A" version="1.0"><com:Name '
                   'xml:lang="en">A</com:Name><str:Code id="X"><com:Name xml:lang="en">X'
                   '</com:Name></str:Code><str:Code id="Y"><com:Name xml:lang="en">Y</com:Name>'
                   '</str:Code></str:Codelist></str:Codelists>\n'
                   '<str:Concepts><str:ConceptScheme agencyID="T" id="CS" version="1.0"><com:Name '
                   'xml:lang="en">Concepts</com:Name><str:Concept id="C"><com:Name xml:lang="en">C'
                   '</com:Name></str:Concept></str:ConceptScheme></str:Concepts>\n')
    out.append('<str:DataStructures><str:DataStructure agencyID="T" id="%s" version="1.0">'
               '<com:Name xml:lang="en">DSD</com:Name><str:DataStructureComponents>'
               '<str:DimensionList id="DimensionDescriptor"><str:Dimension id="A" position="1">'
               '%s<str:LocalRepresentation><str:Enumeration><Ref agencyID="T" id="CL_A" '
               'version="1.0" class="Codelist" package="codelist"/></str:Enumeration>'
               '</str:LocalRepresentation></str:Dimension><str:TimeDimension id="TIME_PERIOD" '
               'position="2">%s<str:LocalRepresentation><str:TextFormat '
               'textType="ObservationalTimePeriod"/></str:LocalRepresentation></str:TimeDimension>'
               '</str:DimensionList>\n' % (dsd_id, CONCEPT, CONCEPT))
    if attributes:
        out.append('<str:AttributeList id="AttributeDescriptor">%s</str:AttributeList>\n'
                   % "".join(attributes))
    out.append('<str:MeasureList id="MeasureDescriptor"><str:PrimaryMeasure id="OBS_VALUE">%s'
               '</str:PrimaryMeasure></str:MeasureList></str:DataStructureComponents>'
               '</str:DataStructure></str:DataStructures>\n</mes:Structures></mes:Structure>\n'
               % CONCEPT)
    return "".join(out)


def csv(dsd_id, columns, rows):
    """SDMX-CSV data for the dataflow of dsd_id: rows of (A, TIME_PERIOD, OBS_VALUE, *columns)."""
    lines = ["DATAFLOW,A,TIME_PERIOD,OBS_VALUE" + "".join("," + c for c in columns)]
    for r in rows:
        lines.append("T:%s_DF(1.0),%s" % (dsd_id, ",".join(r)))
    return "\n".join(lines) + "\n"
