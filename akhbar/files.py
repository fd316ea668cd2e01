"""Which files in the project are the editor's own, and which are editors' and tools' leftovers."""

from __future__ import annotations

from pathlib import Path, PurePath

TEMP_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".bak", ".part", ".crdownload")
TEMP_PREFIXES = (".#", "#", "~")  # emacs locks and autosaves, office locks
TEMP_MARKERS = (".goutputstream-", "___jb_tmp___", "___jb_old___")  # gedit, JetBrains safe-write
TOOL_FOLDERS = (".git", ".hg", ".svn", "__pycache__")


def is_temporary(path: str | PurePath) -> bool:
    """True for vim swap files, emacs locks and backups, editors' safe-write files, VCS folders, dotfiles."""
    if isinstance(path, str) and "/" not in path:  # a bare name, the common case: no PurePath to build
        name = path
        if name in TOOL_FOLDERS:
            return True
    else:
        p = PurePath(path)
        name = p.name
        if any(part in TOOL_FOLDERS for part in p.parts):
            return True
    return (
        name.endswith(TEMP_SUFFIXES)
        or name.startswith(TEMP_PREFIXES)
        or any(m in name for m in TEMP_MARKERS)
        or name == "4913"  # vim's probe that a folder is writable
        or name.startswith(".")
    )


def shown(path: Path, root: Path) -> str:
    """A path as the editor sees it in messages: relative to the project when inside it, else whole."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
