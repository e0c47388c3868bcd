import { z } from 'zod';
import { type ApiOperation } from './api-operation';

/** The API's own description and its documentation page: served without a token. */
export const API_DOC_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/api/openapi.json',
    tags: ['API description'],
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
    errors: [],
    calls: [],
    auth: 'none',
  },
  {
    operationId: 'getApiDocsPage',
    method: 'GET',
    path: '/api/docs',
    tags: ['API description'],
    summary: 'The documentation page (renders the OpenAPI document; served by the gateway alone)',
    responses: { 200: { description: 'An HTML page.', schema: z.string(), contentType: 'text/html' } },
    errors: [],
    calls: [],
    auth: 'none',
  },
  {
    operationId: 'getApiDocsScript',
    method: 'GET',
    path: '/api/docs/docs.js',
    tags: ['API description'],
    summary: "The documentation page's script",
    responses: { 200: { description: 'The script.', schema: z.string(), contentType: 'text/javascript' } },
    errors: [],
    calls: [],
    auth: 'none',
  },
  {
    operationId: 'getApiDocsStyleSheet',
    method: 'GET',
    path: '/api/docs/docs.css',
    tags: ['API description'],
    summary: "The documentation page's style sheet",
    responses: { 200: { description: 'The style sheet.', schema: z.string(), contentType: 'text/css' } },
    errors: [],
    calls: [],
    auth: 'none',
  },
];
