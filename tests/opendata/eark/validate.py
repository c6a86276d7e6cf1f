"""Runs eark-validator (in its own environment: it pins lxml 5.1.0) on the packages named on the command
line, without the network, and prints one JSON line per package: {"path", "structure", "errors"}.

At import, eark-validator reads four CSIP vocabularies from earkcsip.dilcis.eu; this machine has no
internet, so those four addresses are answered from `vocabularies/` beside this file. Everything else it
checks (structure, METS schema and the CSIP/SIP Schematron rules, checksums) is its own.

    <eark venv>/bin/python tests/opendata/eark/validate.py package.zip [...]
"""

import json
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "https://earkcsip.dilcis.eu/schema/"
_urlopen = urllib.request.urlopen


def _local_urlopen(url, *args, **kwargs):
    if isinstance(url, str) and url.startswith(PREFIX):
        return open(HERE / "vocabularies" / url.removeprefix(PREFIX), "rb")  # noqa: SIM115 - read by the caller
    return _urlopen(url, *args, **kwargs)


urllib.request.urlopen = _local_urlopen


def main(paths: list[str]) -> int:
    from eark_validator import packages
    from eark_validator.specifications.specification import SpecificationVersion

    for path in paths:
        report = packages.PackageValidator(Path(path), SpecificationVersion.V2_1_0).validation_report
        data = json.loads(report.model_dump_json())
        errors = [
            result
            for block in ("structure", "metadata")
            for result in _results(data.get(block))
            if str(result.get("severity", "")).lower() == "error"
        ]
        print(
            json.dumps(
                {
                    "path": path,
                    "structure": data["structure"]["status"],
                    "metadata": _statuses(data.get("metadata")),
                    "errors": errors,
                    "report": data,
                }
            )
        )
    return 0


def _statuses(block) -> list[str]:
    """Every status the report's metadata block gives (one per schema and Schematron check)."""
    found = []
    if isinstance(block, dict):
        if isinstance(block.get("status"), str):
            found.append(block["status"])
        for value in block.values():
            found += _statuses(value) if isinstance(value, (dict, list)) else []
    elif isinstance(block, list):
        for item in block:
            found += _statuses(item)
    return found


def _results(block) -> list:
    """The messages of a report block, wherever the report's version keeps them."""
    found = []
    if isinstance(block, dict):
        for key, value in block.items():
            if key in ("messages", "results") and isinstance(value, list):
                found += [item for item in value if isinstance(item, dict)]
            else:
                found += _results(value)
    elif isinstance(block, list):
        for item in block:
            found += _results(item)
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
