from tipsom.core import crypto


def test_keyring_is_loaded_for_tests(db):
    assert crypto.get_keyring().active.startswith("k")
