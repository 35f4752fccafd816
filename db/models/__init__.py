"""One model per module; importing this package registers them all on Base.metadata."""

from db.models.audit import AuditEntry
from db.models.broadcast import Broadcast
from db.models.channel import Channel
from db.models.chat_override import ChatOverride
from db.models.component import Component
from db.models.conversation import Conversation
from db.models.csat import CsatRating
from db.models.customer import Customer
from db.models.expert import Expert
from db.models.idea import Idea
from db.models.idea_comment import IdeaComment
from db.models.idea_vote import IdeaVote
from db.models.inbox import InboxEvent
from db.models.incident import Incident
from db.models.incident_link import IncidentLink
from db.models.incident_update import IncidentUpdate
from db.models.installation import Installation
from db.models.message import Message, MessageEdit
from db.models.outbox import OutboxMessage
from db.models.person import Person
from db.models.question import Question
from db.models.question_hold import QuestionHold
from db.models.question_note import QuestionNote
from db.models.routing_hold import RoutingHold
from db.models.snippet import Snippet
from db.models.staff_reply import StaffReply

__all__ = [
    "AuditEntry",
    "Broadcast",
    "Channel",
    "ChatOverride",
    "Component",
    "Conversation",
    "CsatRating",
    "Customer",
    "Expert",
    "Idea",
    "IdeaComment",
    "IdeaVote",
    "InboxEvent",
    "Incident",
    "IncidentLink",
    "IncidentUpdate",
    "Installation",
    "Message",
    "MessageEdit",
    "OutboxMessage",
    "Person",
    "Question",
    "QuestionHold",
    "QuestionNote",
    "RoutingHold",
    "Snippet",
    "StaffReply",
]
