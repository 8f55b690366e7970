"""Backward compatibility of a data schema within one major version.

A consumer written against the old schema must still read every event valid under the new one:
no property may disappear or change type, no new property may be required, no enum value or
bound may be narrowed. Adding an optional property is compatible.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def incompatibilities(old: Schema, new: Schema) -> list[str]:
    return _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), "")


def _resolve(node: Schema, defs: Schema) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(defs.get(ref.removeprefix("#/$defs/"), {}))
    return node


def _types(node: Schema, defs: Schema) -> set[str]:
    node = _resolve(node, defs)
    if "anyOf" in node:
        out: set[str] = set()
        for alt in node["anyOf"]:
            out |= _types(alt, defs)
        return out
    t = node.get("type")
    if isinstance(t, list):
        return set(t)
    if isinstance(t, str):
        return {t}
    if "$ref" in node:
        return {"object"}
    if "enum" in node or "const" in node:
        return {"enum"}
    return {"any"}


def _enum(node: Schema, defs: Schema) -> list[Any] | None:
    """The allowed values, also when they sit behind a `$ref` inside `anyOf` (an optional enum)."""
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    values: list[Any] = []
    for alt in node.get("anyOf", []):
        alt = _resolve(alt, defs)
        if isinstance(alt.get("enum"), list):
            values += alt["enum"]
        elif alt.get("type") == "null":
            values.append(None)
        else:
            return None
    return values or None


def _compare(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str) -> list[str]:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    where = path or "<root>"
    issues: list[str] = []
    old_types, new_types = _types(old, old_defs), _types(new, new_defs)
    if "any" not in new_types and not old_types <= new_types | {"any"}:
        issues.append(f"{where}: type {sorted(old_types)} became {sorted(new_types)}")
        return issues
    old_enum, new_enum = _enum(old, old_defs), _enum(new, new_defs)
    if isinstance(old_enum, list) and isinstance(new_enum, list):
        removed = [v for v in old_enum if v not in new_enum]
        if removed:
            issues.append(f"{where}: enum value(s) {removed} removed")
    for bound, narrower in (("minimum", max), ("maximum", min), ("minLength", max)):
        if bound in new and (bound not in old or narrower(old[bound], new[bound]) != old[bound]):
            issues.append(f"{where}: {bound} narrowed to {new[bound]}")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in old_props:
        if name not in new_props:
            issues.append(f"{where}.{name}: property removed")
    newly_required = set(new.get("required", [])) - set(old.get("required", []))
    for name in sorted(newly_required):
        issues.append(f"{where}.{name}: property became required")
    for name, old_sub in old_props.items():
        if name in new_props:
            issues += _compare(old_sub, new_props[name], old_defs, new_defs, f"{path}.{name}")
    if "items" in old and "items" in new:
        issues += _compare(old["items"], new["items"], old_defs, new_defs, f"{path}[]")
    if "anyOf" in old and "anyOf" in new:
        for alt in old["anyOf"]:
            if "$ref" in alt:
                matches = [a for a in new["anyOf"] if a.get("$ref") == alt["$ref"]]
                if matches:
                    issues += _compare(alt, matches[0], old_defs, new_defs, path)
    return issues
