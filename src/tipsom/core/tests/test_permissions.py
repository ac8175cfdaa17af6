"""The permission engine: scopes, restrict(), access_by_id and permissions as data."""

import pytest
from django.core.exceptions import ValidationError

from tipsom.accounts.models import ObjectPermission, Role, User
from tipsom.accounts.testing import make_user
from tipsom.core.errors import NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization, user_can
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def test_seeded_roles_exist_with_their_permissions():
    slugs = set(Role.objects.values_list("slug", flat=True))
    assert {
        "system_administrator",
        "national_coordinator",
        "case_manager",
        "frontline_identifier",
        "child_protection_officer",
        "helpline_operator",
        "helpline_supervisor",
        "investigator",
        "prosecutor",
        "me_officer",
        "auditor",
    } <= slugs
    admin = Role.objects.get(slug="system_administrator")
    granted = {(label, action) for p in admin.permissions.all() for label in p.object_types for action in p.actions}
    assert {("accounts.user", "add"), ("accounts.user", "reveal"), ("organizations.organization", "change")} <= granted


def test_national_scope_sees_own_country_only():
    br_a, br_b, co = make_organization("BR"), make_organization("BR"), make_organization("CO")
    coordinator = make_user(br_a, roles=("national_coordinator",))
    visible = set(Organization.objects.restrict(coordinator, "view"))
    assert {br_a, br_b} <= visible
    assert co not in visible


def test_organization_scope_sees_colleagues_only():
    home, other = make_organization("BR"), make_organization("BR")
    manager = make_user(home, roles=("case_manager",))
    colleague, stranger = make_user(home), make_user(other)
    visible = set(User.objects.restrict(manager, "view"))
    assert colleague in visible and manager in visible
    assert stranger not in visible


def test_own_scope_and_no_permission():
    identifier = make_user(make_organization("BR"), roles=("frontline_identifier",))
    make_user(identifier.organization)
    assert list(User.objects.restrict(identifier, "view")) == [identifier]
    assert not User.objects.restrict(identifier, "change").exists()
    assert not user_can(identifier, "change", User)


def test_access_by_id_answers_not_found_for_missing_forbidden_and_garbage():
    home, other = make_organization("BR"), make_organization("BR")
    manager = make_user(home, roles=("case_manager",))
    stranger = make_user(other)
    assert access_by_id(User, manager, manager.pk) == manager
    for pk in (stranger.pk, 10**9, "not-a-number"):
        with pytest.raises(NotFound):
            access_by_id(User, manager, pk)
    with pytest.raises(NotFound):
        access_by_id(User, manager, manager.pk, "change")


def test_anonymous_and_inactive_users_get_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    make_organization("BR")
    assert not Organization.objects.restrict(AnonymousUser(), "view").exists()
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",), is_active=False)
    assert not Organization.objects.restrict(coordinator, "view").exists()
    with pytest.raises(NotFound):
        require_permission(coordinator, "view", Organization)


def test_scope_allows_organization_for_new_records():
    br, br2, co = make_organization("BR"), make_organization("BR"), make_organization("CO")
    admin = make_user(br, roles=("system_administrator",))
    assert scope_allows_organization(admin, "add", User, br2)
    assert not scope_allows_organization(admin, "add", User, co)


def test_a_permission_added_as_data_takes_effect():
    home = make_organization("BR")
    helpline = make_user(home, roles=("me_officer",))
    assert not user_can(helpline, "view", User) or User.objects.restrict(helpline, "view").count() == 1
    permission = ObjectPermission.objects.create(
        name="test.users.org", object_types=["accounts.user"], actions=["view"], scope="organization"
    )
    role = Role.objects.create(slug="test-role", name="Test role")
    role.permissions.add(permission)
    helpline.roles.add(role)
    make_user(home)
    fresh = User.objects.get(pk=helpline.pk)  # grants are computed once per user object
    assert User.objects.restrict(fresh, "view").count() == 2


def test_permission_validation_names_unknown_types_and_actions():
    permission = ObjectPermission(name="bad", object_types=["nope.model"], actions=["fly"], scope="national")
    with pytest.raises(ValidationError) as error:
        permission.full_clean()
    assert "actions" in error.value.message_dict
    permission.actions = ["view"]
    with pytest.raises(ValidationError) as error:
        permission.full_clean()
    assert "nope.model" in str(error.value.message_dict["object_types"])


def test_grants_are_read_in_one_query(django_assert_num_queries):
    user = make_user(make_organization("BR"), roles=("national_coordinator", "auditor"))
    user = User.objects.select_related("organization").get(pk=user.pk)
    with django_assert_num_queries(1):
        assert user_can(user, "view", Organization)
        assert user_can(user, "view", User)
        assert not user_can(user, "change", User)
