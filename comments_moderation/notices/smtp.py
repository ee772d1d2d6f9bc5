"""Email through one SMTP server: STARTTLS, implicit TLS or none; login from the environment.

The conversation is split where delivery becomes irrevocable: MAIL FROM and RCPT TO are
``prepare`` (a refusal there delivers nothing), DATA is ``deliver``. TLS certificates are checked
against the system's trust store (SSL_CERT_FILE points elsewhere, e.g. a company CA).
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr, parseaddr

from comments_moderation.notices.compose import Composed
from comments_moderation.notices.delivery import SendFailed, Uncertain
from generator.notify_config import EmailSettings

TIMEOUT = 30  # seconds for each step of the conversation
# The body is encoded with lines of at most 76 characters (quoted-printable's limit, RFC 2045);
# the message is written out with headers up to RFC 5322's 998: folding a long List-Unsubscribe
# would turn its URL into an encoded word that mail programs don't read as a link.
BUILD = SMTP_POLICY.clone(max_line_length=76)
UNFOLDED = SMTP_POLICY.clone(max_line_length=998)
USER_VARIABLE = "DIALOGUE_SMTP_USER"
PASSWORD_VARIABLE = "DIALOGUE_SMTP_PASSWORD"


def build(
    composed: Composed,
    settings: EmailSettings,
    to: tuple[str, str],
    message_id: str,
    stop_url: str,
    now: dt.datetime,
) -> EmailMessage:
    """The email: plain text, the post's language, an unsubscribe header mail programs show
    as a button (RFC 2369, one click per RFC 8058), marked automatic (RFC 3834)."""
    message = EmailMessage(policy=BUILD)
    message["From"] = settings.sender
    message["To"] = formataddr(to)
    message["Subject"] = composed.subject
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{stop_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable: safe through a server without 8BITMIME.
    message.set_content(composed.text, charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = composed.lang  # after set_content, which drops Content-*
    return message


class SmtpHandoff:
    def __init__(self, settings: EmailSettings, message: EmailMessage, recipient: str) -> None:
        self.settings, self.message, self.recipient = settings, message, recipient
        self.client: smtplib.SMTP | None = None

    def prepare(self) -> None:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=TIMEOUT, context=context
                )
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
            self.client = client
            client.ehlo()
            if s.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
            if user:
                client.login(user, password or "")
            code, answer = client.mail(parseaddr(s.sender)[1])
            if code != 250:
                raise SendFailed(f"MAIL FROM refused: {code} {answer!r}", permanent=code >= 500)
            code, answer = client.rcpt(self.recipient)
            if code not in (250, 251):
                raise SendFailed(f"RCPT TO refused: {code} {answer!r}", permanent=code >= 500)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(
                f"login refused ({exc.smtp_code}): check {USER_VARIABLE} and {PASSWORD_VARIABLE}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"{s.host}:{s.port}: {exc or type(exc).__name__}") from None

    def deliver(self) -> None:
        assert self.client is not None, "prepare() first"
        data = self.message.as_bytes(policy=UNFOLDED)
        try:
            code, answer = self.client.data(data)
        except smtplib.SMTPDataError as exc:  # the server said no: nothing was accepted
            raise SendFailed(
                f"DATA refused: {exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:  # timeouts are OSErrors
            raise Uncertain(f"no answer after DATA: {exc or type(exc).__name__}") from None
        if code != 250:
            raise SendFailed(f"DATA refused: {code} {answer!r}", permanent=code >= 500)

    def close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.quit()
        except (smtplib.SMTPException, OSError):
            self.client.close()
        self.client = None
