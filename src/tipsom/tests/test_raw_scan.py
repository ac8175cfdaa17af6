"""A raw scan of the stored database finds no plaintext identifying value (and does find plain ones)."""

import pytest

from tipsom.accounts.models import User
from tipsom.core.testing import database_bytes
from tipsom.organizations.models import Organization
from tipsom.people.services import person_create

SECRETS = ["Rua Segredo 4321, Cuiabá", "ул. Тайная 17", "شارع السرية ٩", "+5565988776655"]
# Person names in the registry's scripts, their transliterations, a document number and a birth date.
PERSON_SECRETS = [
    "Fatimazahra Benyoussef",
    "فاطمة الزهراء",
    "Ярославна Кравчук",
    "Yaroslavna Kravchuk",
    "अनुराधा श्रेष्ठ",
    "ບຸນທະວີ ພົມມະຈັນ",
    "Bountaviphommachanh",
    "ZK90417733",
    "1987-11-23",
]


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_identifying_value_in_the_database(tmp_path):
    organization = Organization.objects.create(
        name="Abrigo Visível", code="abrigo", type="NGO", country="BR", street_address=SECRETS[0]
    )
    Organization.objects.create(name="Другой", code="other", type="NGO", country="UA", street_address=SECRETS[1])
    Organization.objects.create(name="آخر", code="other-eg", type="NGO", country="EG", street_address=SECRETS[2])
    User.objects.create(username="scan", full_name="Scan Test", organization=organization, phone=SECRETS[3])
    person_create(
        actor=None,
        organization=organization,
        names=[
            {"name": PERSON_SECRETS[0]},
            {"name": PERSON_SECRETS[1], "kind": "alias"},
            {"name": PERSON_SECRETS[2], "kind": "alias"},
            {"name": PERSON_SECRETS[4], "kind": "alias"},
            {"name": PERSON_SECRETS[5], "name_latin": PERSON_SECRETS[6], "kind": "alias"},
        ],
        birth_date=PERSON_SECRETS[8],
        birth_date_precision="exact",
        documents=[{"doc_type": "passport", "number": PERSON_SECRETS[7], "issuing_country": "BR"}],
    )

    raw = database_bytes(tmp_path)

    assert "Abrigo Visível".encode() in raw, "the scan must see plain columns, or it proves nothing"
    for secret in SECRETS + PERSON_SECRETS:
        assert secret.encode("utf-8") not in raw, secret
        longest_word = max(secret.split(), key=len)
        assert longest_word.encode("utf-8") not in raw, secret


# Everything a victim case holds that may identify someone: free text, the guardian, places, files.
CASE_SECRETS = {
    "person": "Wanderleia Quispecondori",
    "guardian": "Gumercindo Vasconcelhos",
    "screening": "Trabalhava trancada na oficina Cuiabazinha",
    "basis": "Depoimento confirmado pelo fiscal Aristodemo",
    "journal": "Ligou da casa da madrinha Clotildes",
    "place": "Fazenda Esperancinha do Norte",
    "filename": "declaracao-wanderleia.pdf",
    "attachment": "Conteudo sigiloso Zebulonia",
    "goal": "Matricula escolar Pirassununga",
    "approval_comment": "Confirmado com a vizinha Eudoxiana",
    "reveal_reason": "Ligar para a prima Genoveva amanha",
}


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_case_value_in_the_database(tmp_path):

    from tipsom.accounts.testing import make_user
    from tipsom.cases import services
    from tipsom.organizations.testing import make_organization

    ngo = make_organization("BR", name="Casa Visível", region="BR-MT")
    agency = make_organization("BR", type="LocalGovernmentOrganisation", functions=["child_protection"])
    identifier = make_user(ngo, roles=("frontline_identifier",))
    officer = make_user(agency, roles=("child_protection_officer",))
    supervisor = make_user(ngo, roles=("case_supervisor",))
    case = services.case_register(
        actor=identifier,
        organization=ngo,
        person={"names": [{"name": CASE_SECRETS["person"]}], "is_presumed_minor": True, "citizenships": ["BO"]},
        screening={"acts": ["recruitment"], "purposes": ["ForcedLabour"], "notes": CASE_SECRETS["screening"]},
        case_type="tip",
        identified_on="2026-10-02",
        exploitation_types=["ForcedLabour"],
    )
    services.child_notify(actor=identifier, case_id=case.pk, organization_id=agency.pk)
    services.child_update(
        actor=officer, case_id=case.pk, guardian_name=CASE_SECRETS["guardian"], guardian_appointed_on="2026-10-05"
    )
    decision = services.case_decide_status(
        actor=identifier,
        case_id=case.pk,
        status="ActualVictimOfTrafficking",
        decided_on="2026-10-06",
        deciding_organization_type="Police",
        basis=CASE_SECRETS["basis"],
    )
    services.decision_review(
        actor=supervisor, decision_id=decision.pk, approve=True, comment=CASE_SECRETS["approval_comment"]
    )
    services.journal_add(actor=identifier, case_id=case.pk, text=CASE_SECRETS["journal"])
    services.event_add(
        actor=identifier, case_id=case.pk, event_type="Exploitation", country="BR", place=CASE_SECRETS["place"]
    )
    services.plan_item_add(actor=identifier, case_id=case.pk, support_type="Education", goal=CASE_SECRETS["goal"])
    content = b"%PDF-1.4\n" + CASE_SECRETS["attachment"].encode() + b"\n%%EOF\n"
    services.attachment_add(actor=identifier, case_id=case.pk, filename=CASE_SECRETS["filename"], content=content)

    services.case_text_reveal(actor=identifier, case_id=case.pk, part="journal", reason=CASE_SECRETS["reveal_reason"])

    raw = database_bytes(tmp_path)

    assert b"Casa Vis" in raw and case.case_number.encode() in raw, "the scan must see plain columns"
    for label, secret in CASE_SECRETS.items():
        assert secret.encode("utf-8") not in raw, label
        assert max(secret.split(), key=len).encode("utf-8") not in raw, label
