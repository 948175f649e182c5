import { Body, Controller, Delete, Get, HttpCode, Ip, Post, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { ErrorDto } from '../platform/http/error.dto';
import { AccountsService } from './accounts.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { DeleteAccountDto } from './dto/delete-account.dto';

/** The account as a whole: password, deletion, export (beside UsersController's profile and blocks). */
@ApiTags('users')
@Authenticated()
@Controller('users/me')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; every other session is logged out (this one stays)' })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiBadRequestResponse({ description: 'The new password is too short, too long or too common', type: ErrorDto })
  @ApiForbiddenResponse({ description: 'Current password is incorrect', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong passwords; see Retry-After', type: ErrorDto })
  async changePassword(@Auth() auth: AuthUser, @Body() body: ChangePasswordDto, @Ip() address: string): Promise<void> {
    await this.accounts.changePassword({ userId: auth.id, sessionId: auth.sessionId, address }, body.current_password, body.new_password);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete your account',
    description:
      'You leave every group; your one-on-ones end (the other person keeps the messages and can no longer write); your profile, ' +
      'email, password and blocks are erased; every session is logged out and its sockets closed. Your messages stay in the ' +
      'conversations of the others, from a "Deleted account". Your username becomes free again.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: 'Password is incorrect', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong passwords; see Retry-After', type: ErrorDto })
  async deleteAccount(@Auth() auth: AuthUser, @Body() body: DeleteAccountDto, @Ip() address: string): Promise<void> {
    await this.accounts.deleteAccount({ userId: auth.id, sessionId: auth.sessionId, address }, body.password);
  }

  @Get('export')
  @ApiOperation({
    summary: 'Download everything of your account as JSON',
    description:
      'Your profile, sessions and blocks; every conversation you are in with every message you can read (decrypted, oldest ' +
      'first); and the messages you wrote in groups you have left. A file download (Content-Disposition: attachment).',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The export', schema: { type: 'object' } })
  @ApiTooManyRequestsResponse({ description: 'Too many exports in an hour; see Retry-After', type: ErrorDto })
  async export(@Auth() auth: AuthUser, @Ip() address: string): Promise<StreamableFile> {
    const parts = this.accounts.export({ userId: auth.id, sessionId: auth.sessionId, address });
    // The first piece is awaited here, so a refusal (429) is an HTTP error, not a broken download.
    const first = await parts.next();
    const rest = (async function* () {
      if (!first.done) yield first.value;
      yield* parts;
    })();
    const day = new Date().toISOString().slice(0, 10);
    return new StreamableFile(Readable.from(rest), {
      type: 'application/json; charset=utf-8',
      disposition: `attachment; filename="chatflow-export-${auth.username}-${day}.json"`,
    });
  }
}
