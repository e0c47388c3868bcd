import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ProviderTokenEndpoint } from '../provider-token-endpoint';
import { type TokenV1Answer, tokenV1AnswerOf } from '../token-answers';
import { tokenV1GrantOf } from '../token-grants';

/** `POST /api/v1/token` (issueTokenV1Operation), JSON, no bearer token: forwarded to the provider's token endpoint. */
@Controller('api/v1/token')
export class IssueTokenV1Controller {
  constructor(private readonly provider: ProviderTokenEndpoint) {}

  @Post()
  @HttpCode(200)
  async issue(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenV1Answer> {
    const grant = tokenV1GrantOf(body, request.headers.authorization, request.headers['content-type'] ?? '');
    const token = await this.provider.exchange(grant);
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return tokenV1AnswerOf(token);
  }
}
