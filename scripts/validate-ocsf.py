#!/usr/bin/env python3
"""Validate OCSF events (JSON Lines, or one JSON array) against the published OCSF schema.

Each event is checked against the JSON Schema that `ocsf-json-schema` generates for its class
(`class_uid`), version (`metadata.version`) and profiles (`metadata.profiles`), with the JSON
Schema 2020-12 validator of `jsonschema`: required attributes, types, enums, no attribute the
class does not define. Prints one line per error and exits 1 when any event is invalid.

Usage: .venv/bin/python scripts/validate-ocsf.py [FILE]   (standard input without FILE)
"""

import json
import sys

from jsonschema import Draft202012Validator
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema


def events(text):
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    schemas = {}
    validators = {}
    invalid = 0
    checked = 0
    for n, event in enumerate(events(text), start=1):
        meta = event.get("metadata", {})
        version = meta.get("version")
        profiles = tuple(sorted(meta.get("profiles", [])))
        class_uid = event.get("class_uid")
        key = (version, class_uid, profiles)
        if key not in validators:
            if version not in schemas:
                schemas[version] = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
            ocsf = schemas[version]
            name = ocsf.lookup_class_name_from_uid(class_uid=class_uid)
            schema = ocsf.get_class_schema(class_name=name, profiles=list(profiles))
            Draft202012Validator.check_schema(schema)
            validators[key] = Draft202012Validator(schema)
        errors = sorted(validators[key].iter_errors(event), key=lambda e: list(e.path))
        checked += 1
        if errors:
            invalid += 1
            uid = event.get("finding_info", {}).get("uid", "?")
            for e in errors:
                path = "/".join(str(p) for p in e.path) or "(event)"
                print(f"event {n} ({uid}): {path}: {e.message}")
    print(f"{checked} event(s) checked against OCSF {sorted(v for v, _, _ in validators)}: {invalid} invalid")
    return 1 if invalid or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
