"""The resolver: walks the precedence table, keeping the first source with a value.

Only the resolver (this module and its :class:`~agents_oci.config.world.World`)
reads the environment and the OCI config file, and both are parameters of
:func:`resolve`, so tests inject them. :func:`resolve` walks each row of
:data:`~agents_oci.config.precedence.PRECEDENCE` and keeps the first source that
has a value, recording it in a :class:`Sourced`.

Conventions:

- A keyword left out, passed as ``None`` or as :data:`UNSET` means "not passed";
  an explicit empty string is an error naming the keyword.
- An empty environment variable or an empty profile entry (``region =``) counts
  as unset.
- ``auth_type`` is matched case-insensitively with ``-`` or ``_``
  (``"Instance-Principal"`` is ``instance_principal``), the spellings of
  ``OCI_CLI_AUTH``.
- Principals (``instance_principal``, ``resource_principal``) read no config
  file and no profile: their region comes from the signer, their compartment
  from ``compartment_id=`` or ``OCI_COMPARTMENT_ID``.
- Profiles inherit the ``[DEFAULT]`` section as configparser does; the profile
  ``DEFAULT`` exists only if that section has at least one entry.
- Key files and token files are not read here: only their entries are checked.
"""


from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from ..errors import (
    InvalidConfigValueError,
)
from .checks import (
    auth_mode,
    base_url_setting,
    bearer_conflict,
    check_required,
    compartment_setting,
    ocid_setting,
    principal_conflict,
    region_setting,
)
from .endpoints import realm_of
from .file import expand
from .precedence import ROWS, UNSET, AuthType, Unset, auth_key
from .secret_values import Arguments, api_key_setting
from .settings import Settings
from .sourced import Sourced
from .world import World


def _arguments(values: Mapping[str, object]) -> Arguments:
    """Keep the keywords that were passed; reject empty strings and non-strings."""
    passed = Arguments()
    for keyword, value in values.items():
        if value is None or isinstance(value, Unset):
            continue
        if keyword == "config_file" and isinstance(value, os.PathLike):
            value = os.fspath(value)
        rest = ROWS[keyword].chain().split(", ", 1)[1]
        if not isinstance(value, str) or not value:
            got = "an empty string" if value == "" else f"of type {type(value).__name__}"
            # No keyword values in this frame when it raises (api_key=, base_url=
            # credentials): error reporters capture locals.
            del values, value
            raise InvalidConfigValueError(
                f"{keyword}= is {got}, not a usable value. Fix: pass a non-empty string, "
                f"or leave it out to fall back to: {rest}."
            )
        passed[keyword] = value
    return passed




def resolve(
    *,
    auth_type: str | Unset | None = UNSET,
    profile: str | Unset | None = UNSET,
    config_file: str | os.PathLike[str] | Unset | None = UNSET,
    region: str | Unset | None = UNSET,
    compartment_id: str | Unset | None = UNSET,
    project_id: str | Unset | None = UNSET,
    base_url: str | Unset | None = UNSET,
    environ: Mapping[str, str] | None = None,
    principal_region: Callable[[AuthType], str | None] | None = None,
    home: str | None = None,
    signer_supplied: bool = False,
    api_key: str | Unset | None = UNSET,
) -> Settings:
    """Resolve every connection setting by :data:`PRECEDENCE`; each remembers its source.

    ``environ`` defaults to ``os.environ``; ``home`` (what ``~`` means) to the
    current user's home. ``principal_region`` returns the principal signer's
    region; it is called only for principal auth, and only if no argument,
    variable or profile gave a region. ``signer_supplied`` says the caller
    passed its own ``oci`` signer: the auth mode becomes ``signer`` (unless a
    principal ``auth_type`` is given) and, as for principals, no config file
    or profile is read. ``api_key`` is a Generative AI API key (also read from
    ``OCI_GENAI_API_KEY``): requests then carry it as a bearer token, unsigned.

    >>> s = resolve(auth_type="instance_principal", environ={
    ...     "OCI_REGION": "ord", "OCI_COMPARTMENT_ID": "ocid1.compartment.oc1..aa"})
    >>> s.region
    Sourced(value='us-chicago-1', source='environment OCI_REGION')

    Raises:
        OCIConfigurationError: a subclass naming the setting, the sources
            checked in order, and the fix.
    """
    args = _arguments({"auth_type": auth_type, "profile": profile, "config_file": config_file,
                       "region": region, "compartment_id": compartment_id,
                       "project_id": project_id, "base_url": base_url, "api_key": api_key})
    bearer_conflict(args, signer_supplied)
    world = World(args, os.environ if environ is None else environ, principal_region,
                   signer_supplied)
    file = world.must("config_file")
    world.found["config_file"] = Sourced(expand(file.value, home), file.source)
    world.found["profile"] = world.must("profile")
    auth = auth_mode(world.must("auth_type"), signer_supplied)
    if world.overridden:  # say which source won, and over what (doctor prints it)
        auth = Sourced(auth.value, f"{auth.source}; {' and '.join(world.explicit_profile)} "
                       f"passed, so {' and '.join(world.overridden)} ignored")
    elif auth.source.startswith("argument"):
        unused = _unused_environment(world.environ, auth.source, auth.value)
        if unused:  # an explicit auth_type= beat a variable left in the shell: say so
            auth = Sourced(auth.value, f"{auth.source}; {' and '.join(unused)} set but not used")
    world.auth = auth.value
    if world.principal:
        principal_conflict(args, auth)
    else:
        check_required(world.profile(), auth.value)
    world.found["region"] = region_hit = region_setting(world)
    url = base_url_setting(world)
    compartment = compartment_setting(world, auth.value, url.value)
    project = world.first("project_id")
    key = api_key_setting(world) if auth.value == "genai_api_key" else None
    return Settings(
        config_file=Sourced(None, f"not used by {auth.value} auth") if world.principal
        else world.found["config_file"],
        profile=world.found["profile"],
        auth_type=auth,
        region=region_hit,
        realm=realm_of(region_hit.value),
        compartment_id=compartment,
        project_id=Sourced(None, "default") if project is None
        else ocid_setting(project, "project_id", ("generativeaiproject",)),
        base_url=url,
        profile_values=world.profile().values,
        home=home,
        api_key=Sourced(None, f"not used by {auth.value} auth") if key is None else key,
    )


def _unused_environment(environ: Mapping[str, str], winner: str, chosen: str) -> list[str]:
    """The auth row's environment sources that would have chosen another mode than ``winner``.

    Names only, never values (one of them is the API key).
    """
    sources = ROWS["auth_type"].sources
    names = [str(s) for s in sources]
    later = sources[names.index(winner) + 1:] if winner in names else ()
    unused = []
    for source in later:
        value = environ.get(source.name or "", "").strip() if source.kind in (
            "environment", "bearer_environment") else ""
        if not value:
            continue
        mode = "genai_api_key" if source.kind == "bearer_environment" else auth_key(value)
        if mode != chosen:
            unused.append(str(source))
    return unused
