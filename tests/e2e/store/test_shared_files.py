"""Every message file under ../shared/data loads, or is refused for a reason that is true of
that file, as the table of docs/conformance.md says; every loaded data file reads back the same
in every format (issue 10). The work is tests/conformance/shared_files.py's; this runs it on the
build under test."""
import os
import subprocess
import sys

from harness import REPO, SDMXD, SHARED, check, done

p = subprocess.run([sys.executable, os.path.join(REPO, "tests/conformance/shared_files.py"),
                    "--sdmxd", SDMXD, "--shared", SHARED], capture_output=True, text=True,
                   timeout=1500)
sys.stdout.write(p.stdout[-6000:])
sys.stderr.write(p.stderr[-3000:])
check(p.returncode == 0, "every file of ../shared/data behaves as docs/conformance.md says")
check(" 0 problem(s)" in p.stdout and "files checked" in p.stdout, "the check ran to its end")
done()
