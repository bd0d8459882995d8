"""The three staff roles as groups with their permissions (README: "Roles")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER = [
    "launch_verification", "view_pii",
    "view_verificationsession", "view_identity", "add_identity", "change_identity",
    "view_document", "view_extractedfield", "view_control", "view_media", "view_template",
    "view_reviewdecision", "view_casenote", "add_casenote", "view_sessionevent",
    "view_appointment", "view_videoagent", "view_webhookdelivery",
]
MANAGER = OFFICER + [
    "decide_case", "second_approve", "erase_case", "reassign_case", "view_auditentry",
    "add_template", "change_template", "change_webhookdelivery", "view_webhooksubscription",
]
APPOINTMENT_STAFF = [
    "schedule_appointment", "view_verificationsession",
    "view_appointment", "add_appointment", "change_appointment",
    "view_videoagent", "add_videoagent", "change_videoagent",
]
ROLES = {
    "Compliance officer": OFFICER,
    "Compliance manager": MANAGER,
    "Appointment staff": APPOINTMENT_STAFF,
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure ours exist before we use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="kycdesk", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kycdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
