"""A registry for demo-content seeders.

Each app contributes a thin seeder, `<app>/demo/seed.py`, that reads its demo data files
beside it and registers itself here; `seed_demo` discovers and runs them in order. This
keeps cms.core free of imports from the domain apps while one command seeds the whole demo.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class DemoLogin:
    who: str
    email: str


@dataclass
class SeedContext:
    """Passed to every seeder: where to report, and the demo logins gathered."""

    stdout: TextIO
    password: str
    logins: list[DemoLogin] = field(default_factory=list)

    def say(self, message: str) -> None:
        self.stdout.write(message + "\n")


Seeder = Callable[[SeedContext], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register(*, order: int) -> Callable[[Seeder], Seeder]:
    """Register a seeder; lower orders run first (people before content before records)."""

    def decorator(func: Seeder) -> Seeder:
        name = f"{func.__module__}.{func.__qualname__}"
        if all(existing != name for _, existing, _ in _SEEDERS):
            _SEEDERS.append((order, name, func))
        return func

    return decorator


def seeders() -> list[tuple[int, str, Seeder]]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo.seed")
    return sorted(_SEEDERS, key=lambda item: (item[0], item[1]))
