"""A case's stored files (thumbnails included): found by its media rows and its folder, deleted,
and checked gone before any row changes."""

from __future__ import annotations

from django.core.files.storage import Storage

from kycdesk.models import Media, VerificationSession

from .plan import EraseFailed


def media_storage() -> Storage:
    return Media._meta.get_field("file").storage


def session_folder(session: VerificationSession) -> str:
    """Where a case's files live (kycdesk.models.media.media_path), thumbnails included."""
    return f"media/{session.vendor}/{session.pk}"


def _walk(storage: Storage, folder: str) -> list[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _walk(storage, f"{folder}/{directory}")
    return names


def case_files(session: VerificationSession) -> list[str]:
    """Every stored file of the case: the ones its media rows name and anything else in its folder."""
    names = set(_walk(media_storage(), session_folder(session)))
    names.update(name for name in session.media.exclude(file="").values_list("file", flat=True) if name)
    return sorted(names)


def _delete_files(session: VerificationSession) -> int:
    storage = media_storage()
    names = case_files(session)
    for name in names:
        storage.delete(name)
    left = [name for name in names if storage.exists(name)]
    if left:
        raise EraseFailed(f"{len(left)} file(s) of case {session.pk} could not be removed from storage.")
    _remove_empty_folders(storage, session_folder(session))
    return len(names)


def _remove_empty_folders(storage: Storage, folder: str) -> None:
    try:
        root = storage.path(folder)
    except NotImplementedError:
        return  # object storage has no folders
    import os

    for current, _dirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        try:
            os.rmdir(current)
        except OSError:
            pass
