"""``python -m framescore``: the same as the ``framescore`` command."""

from .cli import main

main()
