import { Attachment, AttachmentPurge } from '../attachments/attachment.entity';
import { Session } from '../auth/session.entity';
import { ConversationChange } from '../conversations/conversation-change.entity';
import { Conversation } from '../conversations/conversation.entity';
import { Message } from '../conversations/message.entity';
import { Participant } from '../conversations/participant.entity';
import { Reaction } from '../conversations/reaction.entity';
import { Block } from '../users/block.entity';
import { User } from '../users/user.entity';

export const ENTITIES = [User, Conversation, Participant, Message, Reaction, ConversationChange, Block, Session, Attachment, AttachmentPurge];
