"""Take the IATI 2.03 activity schemas out of pyIATI's source distribution (the IATI's own, MIT licence) into
var/iati/2.03/, for the tests that validate tipsom's IATI file (`make iati-schema`). Nothing is copied into the
repository. Usage: python scripts/extract_iati_schema.py var/iati/pyIATI-0.4.1.tar.gz var/iati/2.03"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

MEMBER = "/iati/resources/standard/2-03/schemas/"


def main(archive: str, target: str) -> None:
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        found = [m for m in tar.getmembers() if m.isfile() and MEMBER in m.name and m.name.endswith(".xsd")]
        if not found:
            sys.exit(f"no 2.03 schema in {archive}")
        for member in found:
            source = tar.extractfile(member)
            assert source is not None
            (folder / Path(member.name).name).write_bytes(source.read())
    print(f"{len(found)} schemas in {folder}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
