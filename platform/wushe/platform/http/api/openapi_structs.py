"""Request bodies that refuse unknown fields say so in the OpenAPI document.

Every ``…In`` Struct is ``forbid_unknown_fields=True`` (an unknown field is 422
``input.unknown_field``), but Litestar documents a Struct as an open object, so a
client generated from the document, or schemathesis, would send extra fields the
API then refuses. This plugin documents such a Struct with
``additionalProperties: false``; every other Struct is left to Litestar's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

# Litestar's own Struct plugin, whose schema this one only closes (private module:
# litestar is pinned below 3 in pyproject.toml).
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition

__all__ = ["ClosedStructSchemas"]


class ClosedStructSchemas(StructSchemaPlugin):
    """Structs with ``forbid_unknown_fields``: ``additionalProperties: false``."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        if not super().is_plugin_supported_field(field_definition):
            return False
        config: msgspec.structs.StructConfig = field_definition.type_.__struct_config__
        return config.forbid_unknown_fields

    def to_openapi_schema(self, field_definition: FieldDefinition,
                          schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema
