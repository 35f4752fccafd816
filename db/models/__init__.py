"""One model per module; importing this package registers them all on Base.metadata."""

from db.models.audit import AuditEntry
from db.models.channel import Channel
from db.models.conversation import Conversation
from db.models.customer import Customer
from db.models.expert import Expert
from db.models.inbox import InboxEvent
from db.models.installation import Installation
from db.models.message import Message, MessageEdit
from db.models.outbox import OutboxMessage
from db.models.person import Person
from db.models.question import Question

__all__ = [
    "AuditEntry",
    "Channel",
    "Conversation",
    "Customer",
    "Expert",
    "InboxEvent",
    "Installation",
    "Message",
    "MessageEdit",
    "OutboxMessage",
    "Person",
    "Question",
]
