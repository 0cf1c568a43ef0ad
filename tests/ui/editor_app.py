"""A page with only the editor, over the files named by ED_* variables (for AppTest)."""

import os

from dashboard.store.csvstore import CsvStore
from dashboard.ui.editor import editor_panel

store = CsvStore(os.environ["ED_INCIDENTS"], os.environ["ED_ROUTES"], os.environ["ED_PLACES"])
dataset, problems = store.load()
editor_panel(store, dataset)
