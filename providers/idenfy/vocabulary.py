"""iDenfy's codes and what they mean, in our words (shared/providers/idenfy.md, "Enums", and
iDenfy's vocabulary and suspicion pages). Staff see these texts beside the codes.

iDenfy says new tags may appear at any time: an unknown code is data, never an error; it is
shown with UNKNOWN_CODE as its meaning.
"""

from __future__ import annotations

UNKNOWN_CODE = "Not in kycdesk's list of iDenfy codes: see iDenfy's vocabulary."

# Face verdicts (autoFace, manualFace): code -> (passed, meaning). passed is None where the
# check was not run or left undecided.
FACE_VERDICTS: dict[str, tuple[bool | None, str]] = {
    "FACE_MATCH": (True, "The selfie matches the face on the document."),
    "FACE_NOT_CHECKED": (None, "The face was not checked (for example a document-only verification)."),
    "FACE_MISMATCH": (
        False,
        "The selfie could not be matched to the document photo (hidden features, low quality, blur, shadow or glare).",
    ),
    "NO_FACE_FOUND": (False, "No face could be found in the selfie."),
    "TOO_MANY_FACES": (False, "More than one face is visible in the selfie."),
    "FACE_TOO_BLURRY": (False, "The selfie is too blurry to compare."),
    "FACE_GLARED": (False, "Glare on the selfie prevents the comparison."),
    "FACE_UNCERTAIN": (False, "The face comparison was inconclusive."),
    "FACE_NOT_ANALYSED": (None, "Face analysis was skipped: the verification was denied for another reason."),
    "FACE_ERROR": (False, "An unclassified error occurred during face matching."),
    "AUTO_UNVERIFIABLE": (None, "The automatic check could not decide; left to manual review."),
    "FAKE_FACE": (False, "A virtual camera, a photo of a screen or another spoof was shown instead of a live face."),
}

# Document verdicts (autoDocument, manualDocument): code -> (passed, meaning).
DOCUMENT_VERDICTS: dict[str, tuple[bool | None, str]] = {
    "DOC_VALIDATED": (True, "The document is valid."),
    "DOC_INFO_MISMATCH": (
        False,
        "The document's data is inconsistent (for example the visual zone and the MRZ differ).",
    ),
    "DOC_NOT_FOUND": (False, "No document was found in the photos."),
    "DOC_NOT_FULLY_VISIBLE": (False, "The document is not fully visible."),
    "DOC_FACE_NOT_FOUND": (False, "No face was found on the document."),
    "DOC_TOO_BLURRY": (False, "The document photo is too blurry."),
    "DOC_GLARED": (False, "Glare on the document hides its data."),
    "DOC_FACE_GLARED": (False, "Glare on the document's portrait hides the face."),
    "MRZ_NOT_FOUND": (False, "The machine-readable zone was not found."),
    "MRZ_OCR_READING_ERROR": (False, "The machine-readable zone could not be read."),
    "BARCODE_NOT_FOUND": (False, "The document's barcode was not found."),
    "DOC_EXPIRED": (False, "The document has expired."),
    "DOC_NOT_SUPPORTED": (False, "This document type is not supported."),
    "COUNTRY_NOT_SUPPORTED": (False, "Documents of this country are not supported."),
    "COUNTRY_MISMATCH": (False, "The document's country is not the country required."),
    "DOC_TYPE_MISMATCH": (False, "The document type is not the type selected or required."),
    "DOC_SUBTYPE_MISMATCH": (False, "The document's subtype is not the one expected."),
    "DOC_SIDE_MISMATCH": (False, "The wrong side of the document was photographed."),
    "DOC_DAMAGED": (False, "The document is damaged."),
    "DOC_FAKE": (False, "The document appears to be forged."),
    "DOC_PERSONAL_CODE_INVALID": (False, "The personal code on the document is invalid."),
    "DOC_NOT_ALLOWED": (False, "This document is not allowed for this verification."),
    "DOC_NAME_ERROR": (False, "The first name on the document is wrong or unreadable."),
    "DOC_SURNAME_ERROR": (False, "The last name on the document is wrong or unreadable."),
    "DOC_EXPIRY_ERROR": (False, "The expiry date on the document is wrong or unreadable."),
    "DOC_DOB_ERROR": (False, "The date of birth on the document is wrong or unreadable."),
    "DOC_PERSONAL_NUMBER_ERROR": (False, "The personal number on the document is wrong or unreadable."),
    "DOC_NUMBER_ERROR": (False, "The document number is wrong or unreadable."),
    "DOC_DATE_OF_ISSUE_ERROR": (False, "The date of issue on the document is wrong or unreadable."),
    "DOC_SEX_ERROR": (False, "The sex on the document is wrong or unreadable."),
    "DOC_NATIONALITY_ERROR": (False, "The nationality on the document is wrong or unreadable."),
    "DOC_NOT_ANALYSED": (None, "Document analysis was skipped: the verification was denied for another reason."),
    "DOC_ERROR": (False, "An unclassified error occurred during the document check."),
    "AUTO_UNVERIFIABLE": (None, "The automatic check could not decide; left to manual review."),
    "DOC_SPOOF_DETECTED": (False, "The document was shown as a spoof (a screen, a print or a copy)."),
    "MRZ_INVALID": (False, "The machine-readable zone fails its check digits."),
    "EID_FAILED": (False, "The electronic ID check failed."),
    "NFC_INIT_FAILED": (False, "Reading the document's NFC chip could not start."),
    "NFC_FAILED": (False, "Reading the document's NFC chip failed."),
    "NFC_TIMEOUT": (False, "Reading the document's NFC chip timed out."),
}

# fraudTags, and the legacy suspicionReasons (which used the same words): code -> meaning.
FRAUD_TAGS: dict[str, str] = {
    "FACE_IN_BLACKLIST": "This verification's selfie has been added to the face blacklist.",
    "DOC_FACE_IN_BLACKLIST": "This verification's document portrait has been added to the blacklist.",
    "DATA_BLACKLISTED": "The verification's data matches an existing blacklist entry.",
    "DATA_IN_BLACKLIST": "This verification's data was used to create a blacklist entry.",
    "DUPLICATE_FACE": "The selfie matches the selfie of an earlier verification.",
    "DUPLICATE_DOC_FACE": "The document portrait matches the portrait of an earlier verification.",
    "DUPLICATE_PERSONAL_DATA": "The personal data duplicates an earlier verification's.",
    "VIRTUAL_CAMERA": "A virtual camera was probably used.",
    "ADDRESS_UNVERIFIED": "The address was not verified, or its verification is unconfirmed.",
    "PORTRAIT_SUBSTITUTION": "Document liveness suspects the document's portrait was replaced.",
    "FACE_SUSPECTED": "The algorithms suspect the selfie is not genuine.",
    "FACE_BLACKLISTED": "The selfie matches an existing blacklist entry.",
    "DOC_FACE_BLACKLISTED": "The document portrait matches an existing blacklist entry.",
    "DOC_MOBILE_PHOTO": "The document was shown on a mobile phone's screen.",
    "DEV_TOOLS_OPENED": "The person opened the browser's developer tools during the verification.",
    "DOC_PRINT_SPOOFED": "The algorithms suspect the document is a paper print.",
    "FAKE_PHOTO": "A fake photo was detected.",
    "AML_SUSPECTION": "The person was found on a PEP or sanctions list.",
    "AML_FAILED": "The AML check failed.",
    "LID_SUSPECTION": "The document was found in a lost or stolen documents database.",
    "LID_FAILED": "The lost and stolen documents (LID) check failed.",
    "SANCTIONS_SUSPECTION": "The person was found on a sanctions list.",
    "SANCTIONS_FAILED": "The sanctions check failed.",
    "CRIMINAL_SUSPECTED": "A criminal record may match the document's data.",
    "CRIMINAL_CHECK_FAILED": "The criminal record check failed.",
    "RC_FAILED": "The registry centre check failed.",
    "DL_FAILED": "The driving licence register check failed.",
    "AUTO_UNVERIFIABLE": "The automatic checks could not decide.",
}

# mismatchTags: code -> meaning. Most compare the document with what we sent at launch.
MISMATCH_TAGS: dict[str, str] = {
    "NAME": "The first name on the document differs from the one given at launch.",
    "SURNAME": "The last name on the document differs from the one given at launch.",
    "DOCUMENT_NUMBER": "The document number differs from the one given at launch.",
    "PERSONAL_CODE": "The personal code differs from the one given at launch.",
    "EXPIRY_DATE": "The expiry date differs from the one given at launch.",
    "DATE_OF_BIRTH": "The date of birth differs from the one given at launch.",
    "DATE_OF_ISSUE": "The date of issue differs from the one given at launch.",
    "NATIONALITY": "The nationality differs from the one given at launch.",
    "SEX": "The sex differs from the one given at launch.",
    "FULL_NAME": "The full name differs from the one given at launch.",
    "DOC_INFO_MISMATCH": "The document's own data is inconsistent.",
    "UNDER_AGE": "The person is younger than the minimum age set.",
    "OVER_AGE": "The person is older than the maximum age set.",
    "UNKNOWN_AGE": "The person's age could not be determined.",
    "UTILITY_ADDRESS": "The utility bill's address differs from the address given.",
    "UTILITY_NAME": "The name on the utility bill differs from the person's.",
    "EXPIRED_UTILITY_BILL": "The utility bill is too old.",
    "INVALID_ADDITIONAL_STEP": "An additional step's upload is invalid.",
    "ADDITIONAL_STEP_NOT_FOUND": "An additional step's document was not found.",
    "ADDITIONAL_STEP_INFORMATION_MISMATCH": "Data in an additional step differs from the person's.",
    "EXPIRED_ADDITIONAL_STEP_INFORMATION": "An additional step's document has expired.",
    "REGISTRY_CENTER_INFO_MISMATCH": "The registry centre's data differs from the document's.",
    "DRIVER_LICENSE_INFO_MISMATCH": "The driving licence register's data differs from the document's.",
    "NOT_SUPPORTED_POA_DOCUMENT_TYPE": "The proof-of-address document type is not supported.",
    "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY": "The proof-of-address document's country is not supported.",
    "POA_COUNTRIES_MISMATCH": "The proof-of-address country differs from the identity document's.",
    "POA_SCREENSHOT_DETECTED": "The proof of address is a screenshot.",
}


def verdict(table: dict[str, tuple[bool | None, str]], code: str) -> tuple[bool | None, str]:
    return table.get(code.upper(), (None, UNKNOWN_CODE))


def meaning(table: dict[str, str], code: str) -> str:
    return table.get(code.upper(), UNKNOWN_CODE)
