"""Prompt and feedback text, rendered from jinja2 templates in templates/.

StrictUndefined: a template that names a missing variable fails loudly instead
of sending the model a prompt with a hole in it.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def _template_dir() -> Path:
    """templates/ of a source checkout (where people edit prompts), else the copy a wheel carries."""
    configured = os.environ.get("VERIASSIST_TEMPLATES")
    if configured:
        return Path(configured)
    here = Path(__file__).resolve().parent
    checkout = here.parent / "templates"
    return checkout if (checkout / "system.j2").is_file() else here / "templates"


TEMPLATE_DIR = _template_dir()


@cache
def _environment(directory: Path) -> jinja2.Environment:
    import jinja2  # on first use: a bench run whose samples all pass renders nothing

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # prompts are plain text, not HTML
    )


def render(name: str, **context: Any) -> str:
    """Render templates/<name> with the given variables."""
    return _environment(TEMPLATE_DIR).get_template(name).render(**context).strip() + "\n"
