"""Who may see what: the three roles and the document visibilities each one reaches.

A caller's role becomes a `Filters.visibilities` restriction that retrieval applies before
ranking (keyword mask and Chroma `where`), so a restricted passage never reaches an answer,
an LLM, a lookup, a draft or an export. The shells (CLI, web, API) only say who the caller
is; they never filter results themselves. Accounts and sessions live in `accounts`.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.types import VISIBILITIES

from .retrieve import Filters

ANONYMOUS = "anonymous"
MEMBER = "member"
SECRETARIAT = "secretariat"
ROLES = (ANONYMOUS, MEMBER, SECRETARIAT)
# Roles an account can have; anonymous use needs none.
ACCOUNT_ROLES = (MEMBER, SECRETARIAT)

ROLE_LABEL = {ANONYMOUS: "访客", MEMBER: "成员单位", SECRETARIAT: "秘书处"}
VISIBILITY_LABEL = {"public": "公开", "member": "成员单位可见", "secretariat": "仅秘书处"}

_SEES = {
    ANONYMOUS: ("public",),
    MEMBER: ("public", "member"),
    SECRETARIAT: VISIBILITIES,
}


class RoleError(PermissionError):
    """The caller's role does not allow the operation."""


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"未知角色 {role!r}，应为 {'/'.join(ROLES)} (unknown role)")
    return role


def visibilities_for(role: str) -> tuple[str, ...]:
    """The document visibilities `role` may see; an unknown role sees only public ones."""
    return _SEES.get(role, ("public",))


def filters_for(role: str, filters: Filters = Filters()) -> Filters:
    """`filters` narrowed to what `role` may see. A caller cannot widen its own reach: a
    visibilities restriction already present is intersected, never replaced."""
    allowed = visibilities_for(role)
    if filters.visibilities:
        allowed = tuple(v for v in filters.visibilities if v in allowed) or ("\x00none",)
    return replace(filters, visibilities=allowed)


def sees_contacts(role: str) -> bool:
    """Contact columns (联系人, 联系电话, 邮箱…) of the lists are for members and above."""
    return role in (MEMBER, SECRETARIAT)


def manages_documents(role: str) -> bool:
    """Document management and report drafting are the secretariat's."""
    return role == SECRETARIAT


def require(role: str, allowed: bool, what: str) -> None:
    if not allowed:
        raise RoleError(
            f"{ROLE_LABEL.get(role, role)}无权{what}，请以秘书处账号登录 "
            f"(role {role!r} may not {what})"
        )
