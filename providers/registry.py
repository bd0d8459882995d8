"""Vendor code -> Provider, by dotted path, from a settings mapping handed in by the caller.

The mapping has one block per vendor (see ``KYCDESK_VENDORS`` in kycdesk/settings.py):
``{"class": "providers.x.provider.XProvider", "enabled": bool, "base_url": str, ...credentials}``.
Nothing here reads Django settings: kycdesk passes them in.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from providers.base import Provider, ProviderConfig

RESERVED_KEYS = frozenset({"class", "enabled", "base_url"})


class UnknownVendor(LookupError):
    pass


def load_class(dotted: str) -> type[Provider]:
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ImportError(f"{dotted!r} is not a dotted path")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise TypeError(f"{dotted} is not a Provider subclass")
    return cls


def config_for(code: str, block: Mapping[str, Any], **common: Any) -> ProviderConfig:
    credentials = {k: str(v) for k, v in block.items() if k not in RESERVED_KEYS}
    return ProviderConfig(code=code, base_url=str(block.get("base_url", "")), credentials=credentials, **common)


def build(code: str, vendors: Mapping[str, Mapping[str, Any]], **common: Any) -> Provider:
    """Instantiate the provider for ``code``; ``common`` fills ProviderConfig's other fields."""
    block = vendors.get(code)
    if block is None:
        raise UnknownVendor(f"Unknown vendor {code!r}; known: {', '.join(sorted(vendors))}.")
    return load_class(str(block["class"]))(config_for(code, block, **common))
