"""The window's menus and main toolbar, built from one table; features add their entries with one call.

``WINDOW_MENUS`` lists the window's own actions in menu order; :func:`add_menu_action` is how a feature's
install function adds an entry (File entries go above Close Window / Quit; an entry that needs a model is
enabled only while one is open).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

#: A menu item that is not an action: a separator, the Open Recent submenu, the place for the panels' File entries.
SEPARATOR, RECENT, FEATURE_ENTRIES = "separator", "recent", "feature entries"

Keys = QKeySequence.StandardKey | str | Callable[[], list[QKeySequence]] | None


@dataclass(frozen=True)
class ActionSpec:
    """One window action: stored as ``window.<attr>``, it calls ``window.<slot>()`` when triggered."""

    attr: str
    text: str
    slot: str
    keys: Keys = None
    tip: str = ""
    needs_model: bool = False
    role: QAction.MenuRole | None = None
    toolbar: bool = False


def close_window_keys() -> list[QKeySequence]:
    """Ctrl+W plus the platform's other Close keys (not the media key "Close")."""
    return [QKeySequence("Ctrl+W"), *(k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
                                      if k.toString() not in ("Ctrl+W", "Close"))]


#: The window's menus, in order: (title, items); an item is an ActionSpec or one of the markers above.
WINDOW_MENUS: tuple[tuple[str, tuple[ActionSpec | str, ...]], ...] = (
    ("&File", (
        ActionSpec("open_action", "&Open…", "open_dialog", QKeySequence.StandardKey.Open, toolbar=True),
        RECENT,
        ActionSpec("save_as_action", "Save as &IR…", "save_as_dialog", "Ctrl+Shift+S", needs_model=True),
        ActionSpec("close_action", "Close &Model", "close_document", needs_model=True),
        FEATURE_ENTRIES,
        ActionSpec("close_window_action", "Close &Window", "close", close_window_keys),
        ActionSpec("quit_action", "&Quit", "quit_all", "Ctrl+Q", tip="Close every window and quit (Ctrl+Q)",
                   role=QAction.MenuRole.QuitRole),
    )),
    ("&View", ()),
    ("&Tools", ()),  # features add their tools (Optimize…)
    ("&Help", (
        ActionSpec("first_steps_action", "&First Steps", "show_first_steps", QKeySequence.StandardKey.HelpContents),
        ActionSpec("shortcuts_action", "&Keyboard Shortcuts", "show_shortcuts", "Ctrl+/"),
        SEPARATOR,
        ActionSpec("about_action", "&About ovexplorer", "show_about"),
    )),
)


def make_action(window: QMainWindow, spec: ActionSpec) -> QAction:
    """The QAction of ``spec``, connected to the window's slot and stored on the window."""
    action = QAction(spec.text, window)
    if callable(spec.keys):
        action.setShortcuts(spec.keys())
    elif spec.keys is not None:
        action.setShortcut(QKeySequence(spec.keys))
    if spec.tip:
        action.setToolTip(spec.tip)
    if spec.role is not None:
        action.setMenuRole(spec.role)
    action.triggered.connect(lambda _checked=False, slot=spec.slot: getattr(window, slot)())
    if spec.needs_model:
        follow_document(window, action)
    setattr(window, spec.attr, action)
    return action


def follow_document(window: Any, action: QAction) -> None:
    """Enable ``action`` only while the window shows a model."""
    action.setEnabled(getattr(window, "document", None) is not None)
    window.document_changed.connect(lambda doc, a=action: a.setEnabled(doc is not None))


def build_window_menus(window: Any, menus: tuple[tuple[str, tuple[ActionSpec | str, ...]], ...] = WINDOW_MENUS
                       ) -> None:
    """The menu bar and main toolbar from ``menus``. Sets ``window.file_menu``, ``file_menu_end`` (the
    separator panels insert their File entries above), ``view_menu``, ``recent_menu`` and ``toolbar``."""
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    window.toolbar = toolbar
    window.menus = {}
    for title, items in menus:
        menu = window.menuBar().addMenu(title)
        window.menus[title.replace("&", "")] = menu
        for item in items:
            if item == SEPARATOR:
                menu.addSeparator()
            elif item == RECENT:
                window.recent_menu = menu.addMenu("Open &Recent")
            elif item == FEATURE_ENTRIES:
                window.file_menu_end = menu.addSeparator()
            else:
                action = make_action(window, item)
                menu.addAction(action)
                if item.toolbar:
                    toolbar.addAction(action)
    window.file_menu = window.menus["File"]
    window.view_menu = window.menus["View"]


def add_menu_action(window: Any, menu: str, entry: QAction | QMenu, *, needs_model: bool = False) -> None:
    """Add a feature's action (or submenu) to the window's ``menu`` ("File", "View", "Tools", "Help"): File
    entries go above Close Window / Quit, others at the end; ``needs_model`` enables it only while a model is open."""
    target: QMenu = window.menus[menu]
    before = window.file_menu_end if menu == "File" else None
    if isinstance(entry, QMenu):
        target.insertMenu(before, entry) if before is not None else target.addMenu(entry)
        action = entry.menuAction()
    else:
        target.insertAction(before, entry) if before is not None else target.addAction(entry)
        action = entry
    if needs_model:
        follow_document(window, action)
