"""SkillDesk: offline management of vocational training for Suzhou institutions.

Importing the package is cheap and Qt-free: it only exposes the version.
"""

__version__ = "0.1.0"
