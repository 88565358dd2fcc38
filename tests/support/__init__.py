"""Test stand-ins at the provider boundary; nothing here is a model."""

from __future__ import annotations
