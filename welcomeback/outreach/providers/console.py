"""A text-message provider for the demo and for development: nothing leaves
the machine. Each message is written in full to a JSON file under
``SMS_FILE_PATH`` (var/outbox/sms/ by default), and one line on standard
output says where, without the number or the text (logs carry no PHI).
"""

import json
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from welcomeback.outreach.providers.base import Accepted


class ConsoleSms:
    def send(self, message) -> Accepted:
        provider_id = f"console-{uuid.uuid4()}"
        folder = Path(settings.SMS_FILE_PATH)
        write_outbox_file(folder, provider_id, message)
        print(
            f"sms queued for message {message.pk} (console provider; see {shown(folder)}/)",
            flush=True,
        )
        return Accepted(provider_id=provider_id)


def write_outbox_file(folder: Path, provider_id: str, message) -> Path:
    now = timezone.now()
    record = {
        "provider_id": provider_id,
        "message": message.pk,
        "at": now.isoformat(),
        "to": message.to_address,
        "sender_name": message.sender_name,
        "body": message.body,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y%m%dT%H%M%S}-{provider_id}.json"
    # Owner-only: the file holds a number and a message.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False, indent=2)
    return path


def shown(folder: Path) -> str:
    """The folder as the person running the demo would type it."""
    try:
        return str(folder.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(folder)
