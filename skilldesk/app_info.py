"""Names shared by the GUI, the command line, settings, paths and the build."""

APP_NAME = "SkillDesk"
APP_ID = "skilldesk"
ORG_NAME = "SkillDesk"
ORG_DOMAIN = "skilldesk.local"
DEMO_DB_NAME = "demo.skilldesk"
DEFAULT_DB_NAME = "institution.skilldesk"
