"""The seeded roles and permissions (accounts/data/roles.json), synchronised by migrations.

Later features add permissions to the JSON and a migration that calls `sync_seeded_roles` again. A role an
administrator created stays untouched; a seeded role's permissions are reset to the seed."""

import json
from pathlib import Path
from typing import Any

SEED_FILE = Path(__file__).parent / "data" / "roles.json"


def load_seed() -> dict[str, Any]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def sync_seeded_roles(apps: Any, schema_editor: Any = None) -> None:
    permission_model = apps.get_model("accounts", "ObjectPermission")
    role_model = apps.get_model("accounts", "Role")
    seed = load_seed()
    permissions = {}
    for item in seed["permissions"]:
        permission, _ = permission_model.objects.update_or_create(
            name=item["name"],
            defaults={
                "description": item["description"],
                "object_types": item["object_types"],
                "actions": item["actions"],
                "scope": item["scope"],
            },
        )
        permissions[item["name"]] = permission
    for item in seed["roles"]:
        role, _ = role_model.objects.update_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item["description"], "requires_2fa": item["requires_2fa"]},
        )
        role.permissions.set([permissions[name] for name in item["permissions"]])
