"""Map dashboard of the crackdown on North Korean escapees.

The core (loading, validation, filtering, styling, exporting) is plain Python over
GeoDataFrames; ``dashboard.ui.app`` is a thin Streamlit shell over it.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
GEODATA_DIR = REPO_DIR / "geodata"
DEFAULT_INCIDENTS = REPO_DIR / "incidents.csv"
