import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ProviderTokenEndpoint } from '../provider-token-endpoint';
import { type TokenV2Answer, tokenV2AnswerOf } from '../token-answers';
import { tokenV2GrantOf } from '../token-grants';

/** `POST /api/v2/token` (issueTokenV2Operation), form-encoded, no bearer token: forwarded to the provider's token endpoint. */
@Controller('api/v2/token')
export class IssueTokenV2Controller {
  constructor(private readonly provider: ProviderTokenEndpoint) {}

  @Post()
  @HttpCode(200)
  async issue(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenV2Answer> {
    const grant = tokenV2GrantOf(body, { authorization: request.headers.authorization, contentType: request.headers['content-type'] });
    const token = await this.provider.exchange(grant);
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache'); // RFC 6749 §5.1
    return tokenV2AnswerOf(token);
  }
}
