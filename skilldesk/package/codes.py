"""The verifier's error codes (one per failure kind; SECURITY.md §1.7) and their messages.

Each message is an English msgid saying what is wrong and what the bureau can do; the
technical specifics (entry names, sizes) go into ``{detail}``."""

from __future__ import annotations

from skilldesk.i18n import N_
from skilldesk.i18n import _

E_TOO_LARGE = "E_TOO_LARGE"
E_ZIP_STRUCTURE = "E_ZIP_STRUCTURE"
E_ZIP_INCONSISTENT = "E_ZIP_INCONSISTENT"
E_ZIP_FEATURE = "E_ZIP_FEATURE"
E_ZIP_PROFILE = "E_ZIP_PROFILE"
E_LIMIT = "E_LIMIT"
E_MIMETYPE = "E_MIMETYPE"
E_BAD_NAME = "E_BAD_NAME"
E_BAD_ENTRY_TYPE = "E_BAD_ENTRY_TYPE"
E_DUPLICATE_ENTRY = "E_DUPLICATE_ENTRY"
E_EXTRA_ENTRY = "E_EXTRA_ENTRY"
E_MISSING_ENTRY = "E_MISSING_ENTRY"
E_JSON = "E_JSON"
E_NOT_CANONICAL = "E_NOT_CANONICAL"
E_SCHEMA = "E_SCHEMA"
E_SIGNATURE_FORMAT = "E_SIGNATURE_FORMAT"
E_ALG = "E_ALG"
E_THRESHOLD = "E_THRESHOLD"
E_PAYLOAD_TYPE = "E_PAYLOAD_TYPE"
E_UNKNOWN_KEY = "E_UNKNOWN_KEY"
E_KEY_MISMATCH = "E_KEY_MISMATCH"
E_KEY_REVOKED = "E_KEY_REVOKED"
E_SIGNATURE = "E_SIGNATURE"
E_DIGEST = "E_DIGEST"
E_MEDIA_TYPE = "E_MEDIA_TYPE"
E_SEMANTIC = "E_SEMANTIC"
E_DUPLICATE_PERSON = "E_DUPLICATE_PERSON"
E_REPLAY = "E_REPLAY"
E_ROLLBACK = "E_ROLLBACK"
E_FORK = "E_FORK"
E_DOUBLE_CLAIM = "E_DOUBLE_CLAIM"
E_UNREADABLE = "E_UNREADABLE"

MESSAGES = {
    E_TOO_LARGE: N_("The package is larger than the 1 GiB limit ({detail}). Ask the "
                    "institution to split the claim."),
    E_ZIP_STRUCTURE: N_("The package is not an intact claim package: the ZIP structure is "
                        "damaged, truncated or has bytes added ({detail}). Ask for the file "
                        "again."),
    E_ZIP_INCONSISTENT: N_("The package's ZIP headers contradict each other ({detail}); it "
                           "was altered after signing. Ask for the file again."),
    E_ZIP_FEATURE: N_("The package uses a ZIP feature the format forbids ({detail}). It was "
                      "not written by SkillDesk; ask for the original file."),
    E_ZIP_PROFILE: N_("The package breaks the format's ZIP rules ({detail}). It was not "
                      "written by SkillDesk or was altered; ask for the original file."),
    E_LIMIT: N_("The package exceeds a safety limit ({detail}) and was not opened further."),
    E_MIMETYPE: N_("The package does not start with the claim-package type marker "
                   "({detail}). It is not a claim package or was repacked."),
    E_BAD_NAME: N_("The package contains an entry with a forbidden name ({detail}). It was "
                   "not written by SkillDesk; nothing was extracted."),
    E_BAD_ENTRY_TYPE: N_("The package contains an entry that is not a plain file "
                         "({detail}); nothing was extracted."),
    E_DUPLICATE_ENTRY: N_("The package contains the same entry name more than once "
                          "({detail}); it was altered."),
    E_EXTRA_ENTRY: N_("The package contains an entry the signed manifest does not list "
                      "({detail}); it was altered after signing."),
    E_MISSING_ENTRY: N_("A file listed in the signed manifest is missing from the package "
                        "({detail}). Ask for the complete file."),
    E_JSON: N_("A JSON file in the package cannot be read ({detail})."),
    E_NOT_CANONICAL: N_("The manifest or signature file is not in canonical form "
                        "({detail}); it was rewritten after signing."),
    E_SCHEMA: N_("A JSON file in the package lacks a required field or has a wrong type "
                 "({detail})."),
    E_SIGNATURE_FORMAT: N_("The signature file is malformed ({detail})."),
    E_ALG: N_("The package is signed with an algorithm that is not accepted ({detail})."),
    E_THRESHOLD: N_("The package counts the same key more than once ({detail})."),
    E_PAYLOAD_TYPE: N_("The signed content is not a claim manifest ({detail}); another kind "
                       "of signed file was submitted as a claim."),
    E_UNKNOWN_KEY: N_("The package is signed by a key that is not in the registry "
                      "({detail}). The institution must file its key registration form "
                      "first."),
    E_KEY_MISMATCH: N_("The signing key is registered to a different institution than the "
                       "one named in the package ({detail})."),
    E_KEY_REVOKED: N_("The package is signed by a revoked key ({detail})."),
    E_SIGNATURE: N_("The signature does not match the manifest ({detail}); the package was "
                    "altered after signing."),
    E_DIGEST: N_("A file's content does not match the signed manifest ({detail}); it was "
                 "altered after signing."),
    E_MEDIA_TYPE: N_("A file's type is not allowed or does not match its content "
                     "({detail})."),
    E_SEMANTIC: N_("The claim data is inconsistent ({detail})."),
    E_DUPLICATE_PERSON: N_("The same person is claimed more than once in this package "
                           "({detail})."),
    E_REPLAY: N_("This exact package was already accepted ({detail})."),
    E_ROLLBACK: N_("The package's sequence number is not newer than the last accepted "
                   "package of this institution ({detail})."),
    E_FORK: N_("The package does not continue from the last accepted package of this "
               "institution ({detail}); review both packages."),
    E_DOUBLE_CLAIM: N_("A trainee in this package was already claimed for the same project "
                       "and period ({detail})."),
    E_UNREADABLE: N_("The package file cannot be read ({detail})."),
}


def message(code: str, detail: str) -> str:
    """The translated message for *code* with its technical *detail*."""
    return _(MESSAGES[code]).format(detail=detail)
