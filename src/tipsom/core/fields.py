"""Model fields for IDENTIFYING data: encrypted at rest, never searchable except through a blind index."""

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from tipsom.core import crypto


class EncryptedTextField(models.TextField):
    """Stores `enc1:<key id>:<nonce+ciphertext>`; the column name is bound in as associated data, so a
    value copied into another column (or another table) fails to decrypt instead of leaking."""

    identifying = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("blank", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> Any:
        # A random nonce makes equal values differ in the database: only emptiness can be asked.
        if lookup_name not in {"isnull"}:
            raise FieldError(
                f"{self.crypto_context} is encrypted and cannot be filtered with '{lookup_name}'; use its blind index."
            )
        return super().get_lookup(lookup_name)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
