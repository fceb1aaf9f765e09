"""The menu bar: File, Edit, View, Help, with every action of the window and its shortcut.

The toolbar's and the queue's actions are the same QAction objects (one shortcut, one enabled state);
the menus add what has no button: Paste, Select all, Quit, the compare view's full window and zoom, and
Help. The window connects what they do. Actions the queue or the compare view own act where the focus is
(Delete in a text field deletes text); the others act anywhere in the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.job_actions import JobActions
from upscaler_gui.ui.window.toolbar import MainToolbar

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class MainMenus(QObject):
    def __init__(
        self,
        window: QMainWindow,
        toolbar: MainToolbar,
        jobs: JobActions,
        compare: CompareView,
        history: QAction,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.paste = self._action(self.tr("&Paste"), QKeySequence.StandardKey.Paste)
        self.select_all = self._action(self.tr("Select &all"), QKeySequence.StandardKey.SelectAll)
        self.quit = self._action(self.tr("&Quit"), "Ctrl+Q")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.full_window = self._action(self.tr("Compare in &full window"), "F11")
        self.full_window.setCheckable(True)
        self.leave_full_window = self._action(self.tr("&Back to the queue"), "Esc")
        self.leave_full_window.setEnabled(False)
        self.about = self._action(self.tr("&Help and about…"), "F1")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self._compare_actions(compare)
        bar = window.menuBar()
        bar.setAccessibleName(self.tr("Menu bar"))
        adding = [toolbar.add_files, toolbar.add_folder, toolbar.add_link]
        self.file = self._menu(self.tr("&File"), adding, [toolbar.open_settings, history], [self.quit])
        self.edit = self._menu(
            self.tr("&Edit"),
            [self.paste, self.select_all],
            [jobs.open_result, jobs.show_in_folder],
            [jobs.retry, jobs.run_again, jobs.cancel, jobs.remove],
            [toolbar.start_pause, toolbar.clear_finished],
            [jobs.copy_link, jobs.copy_task_id],
        )
        self.edit.aboutToShow.connect(jobs.update)
        self.view = self._menu(
            self.tr("&View"),
            [self.full_window, self.leave_full_window],
            [self.fit, self.actual_size, self.zoom_in, self.zoom_out],
        )
        self.help = self._menu(self.tr("&Help"), [self.about])

    def _compare_actions(self, compare: CompareView) -> None:
        """The compare view's own keys, shown in the View menu; they act while it has the focus."""
        self.fit = self._on(compare, self.tr("&Fit the picture"), "F", compare.fit)
        self.actual_size = self._on(compare, self.tr("&Actual size (100%)"), "1", compare.actual_size)
        self.zoom_in = self._on(compare, self.tr("Zoom &in"), "+", compare.zoom_in)
        self.zoom_out = self._on(compare, self.tr("Zoom &out"), "-", compare.zoom_out)

    def _action(self, text: str, shortcut: Shortcut = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        self._window.addAction(action)  # its key works while the menu bar is hidden too
        return action

    def _on(self, widget: QWidget, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, widget)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        widget.addAction(action)
        return action

    def _menu(self, title: str, *groups: list[QAction]) -> QMenu:
        """A menu of the groups of actions, a line between two groups."""
        menu = self._window.menuBar().addMenu(title)
        for number, group in enumerate(groups):
            if number:
                menu.addSeparator()
            menu.addActions(group)
        return menu
