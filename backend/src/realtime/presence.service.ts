import { Injectable } from '@nestjs/common';

/**
 * Who is online: a user is online while at least one of their real-time connections is
 * open. The messaging gateway reports connections; REST reads `isOnline`.
 */
@Injectable()
export class PresenceService {
  private readonly connections = new Map<string, number>();

  isOnline(userId: string): boolean {
    return (this.connections.get(userId) ?? 0) > 0;
  }
}
