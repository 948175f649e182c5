import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { ErrorDto } from '../platform/http/error.dto';
import { SearchPageDto } from './dto/search-page.dto';
import { SearchQueryDto } from './dto/search-query.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Authenticated()
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary: 'Find messages you can read by their words, newest first',
    description:
      'Across your conversations, or one (`conversation_id`): messages you can read today (since you joined, not deleted; ' +
      'an edited message by its new text only) that hold every word of `q`, as a whole word or, for 3 characters or more, ' +
      'as the start of one. Paged with `before` = `next_before`. Content stays encrypted at rest: the server finds ' +
      'candidates in a blind index of keyed hashes and confirms each on its decrypted text. ' +
      'Limited per user (MESSAGE_SEARCHES_PER_MINUTE_PER_USER): 429 with Retry-After past it.',
  })
  @ApiOkResponse({ type: SearchPageDto })
  @ApiBadRequestResponse({ description: 'q shorter than 2 characters or without a word, bad limit, malformed id, unknown cursor', type: ErrorDto })
  @ApiForbiddenResponse({ description: 'conversation_id names a conversation you are not in', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'conversation_id names no conversation', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many searches; see Retry-After', type: ErrorDto })
  find(@Auth() auth: AuthUser, @Query() query: SearchQueryDto): Promise<SearchPageDto> {
    return this.search.search(auth.id, query);
  }
}
