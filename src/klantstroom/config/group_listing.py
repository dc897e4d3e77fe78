"""``--help`` lists the config groups with one copy of Hydra's config repository, not seventy.

The help (``conf/config.yaml``'s template, ``$APP_CONFIG_GROUPS``) lists every config group and
its options. Hydra 1.3 (``Hydra.list_all_config_groups`` and ``format_config_groups``) asks its
config loader for each group's options and subgroups, about seventy calls with Hydra's own
groups, and each call (``ConfigLoaderImpl.get_group_options``) deep-copies the whole config
repository, the structured schema in Hydra's ``ConfigStore`` included, only to set up the same
search path on the copy and read a folder listing from it: 0.75 s of a 3.3 s ``klantstroom
--help``. The copy protects the repository from that set-up, which the copy keeps to itself.

:func:`install` makes the calls of one config loader with the same config name and overrides
share one such copy. It is installed only by a command whose command line asks for help
(:func:`klantstroom.cli`), a process that prints the text and ends, so the listing cannot go
stale while files change. The text is the same, character for character.
"""

from __future__ import annotations

import functools
from typing import Any

from klantstroom.config.hydra_methods import original

# The parameters of the Hydra methods the hook stands in for or calls (hydra-core 1.3).
_GET_GROUP_OPTIONS = ["self", "group_name", "results_filter", "config_name", "overrides"]
_CREATE_REPOSITORY = ["self", "config_name", "overrides"]
# Where a config loader keeps its shared copies: (config name, overrides) -> repository.
_SHARED = "_klantstroom_listing_repositories"


def install() -> bool:
    """Let a config loader's group listings share one copy of its repository.

    Returns
    -------
    bool
        Whether the hook is in place; False with a Hydra whose methods differ from 1.3's (the
        help is then listed as Hydra lists it, only slower).
    """
    try:
        from hydra._internal.config_loader_impl import ConfigLoaderImpl
        from hydra.core.object_type import ObjectType
    except ImportError:
        return False
    get_group_options = original(ConfigLoaderImpl, "get_group_options", _GET_GROUP_OPTIONS)
    create = original(
        ConfigLoaderImpl, "_parse_overrides_and_create_caching_repo", _CREATE_REPOSITORY
    )
    if get_group_options is None or create is None:
        return False

    @functools.wraps(get_group_options)
    def shared_copy(
        self: Any,
        group_name: str,
        results_filter: Any = ObjectType.CONFIG,
        config_name: str | None = None,
        overrides: list[str] | None = None,
    ) -> list[str]:
        copies: dict[tuple[str | None, tuple[str, ...]], Any] = vars(self).setdefault(_SHARED, {})
        key = (config_name, tuple(overrides or ()))
        repository = copies.get(key)
        if repository is None:
            _, repository = create(self, config_name, list(key[1]))
            copies[key] = repository
        options: list[str] = repository.get_group_options(group_name, results_filter)
        return options

    ConfigLoaderImpl.get_group_options = shared_copy  # type: ignore[method-assign]
    return True
