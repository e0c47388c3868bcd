import { Controller, Get, Header } from '@nestjs/common';
import { ALL_OPERATIONS } from './all-operations';
import { DOCS_CSS, DOCS_HTML, DOCS_JS } from './docs-page';
import { type JsonObject, openApiDocument } from './openapi-document';

/** `/api/openapi.json` and the documentation page, without a token (their descriptors say `auth: 'none'`). */
@Controller('api')
export class ApiDocsController {
  /** Made once: the descriptors do not change while the gateway runs. */
  private readonly document: JsonObject = openApiDocument(ALL_OPERATIONS);

  @Get('openapi.json')
  openApi(): JsonObject {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DOCS_HTML;
  }

  @Get('docs/docs.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DOCS_JS;
  }

  @Get('docs/docs.css')
  @Header('content-type', 'text/css; charset=utf-8')
  styleSheet(): string {
    return DOCS_CSS;
  }
}
