{{/* workload-admission: its webhook port, serving certificate and the API server's client CA. */}}
{{- define "dv.admissionEnv" -}}
{{- $clientCA := .Values.workloadAdmission.webhook.clientCA -}}
- name: ADMISSION_WEBHOOK_PORT
  value: "8443"
- name: ADMISSION_WEBHOOK_CERT_FILE
  value: /etc/webhook/tls.crt
- name: ADMISSION_WEBHOOK_KEY_FILE
  value: /etc/webhook/tls.key
# The webhook answers only the API server: the CA of the client certificate it presents to webhooks.
- name: ADMISSION_WEBHOOK_CLIENT_CA_FILE
  value: /etc/webhook-client-ca/ca.crt
- name: ADMISSION_WEBHOOK_CLIENT_NAMES
  value: {{ join "," $clientCA.names | quote }}
{{- end }}

{{- define "dv.admissionVolumes" -}}
- name: webhook-tls
  secret:
    secretName: {{ include "dv.webhookSecretName" . }}
- name: webhook-client-ca
  configMap:
    name: {{ .Values.workloadAdmission.webhook.clientCA.configMap }}
{{- end }}

{{/* The Secret holding the webhook's serving certificate (tls.crt, tls.key). */}}
{{- define "dv.webhookSecretName" -}}
{{- $cert := .Values.workloadAdmission.webhook.certificate -}}
{{- if eq $cert.mode "existingSecret" -}}
{{ $cert.existingSecret }}
{{- else -}}
{{ include "dv.name" (list . "workload-admission-tls") }}
{{- end -}}
{{- end }}

{{/* The gateway: the identity provider, the console's origins, the proxy in front, limits and timeouts. */}}
{{- define "dv.gatewayEnv" -}}
{{- $g := .Values.gateway -}}
- name: GATEWAY_HOST
  value: 0.0.0.0
- name: GATEWAY_PORT
  value: "8081"
- name: GATEWAY_OIDC_ISSUER
  value: {{ $g.oidc.issuer | quote }}
- name: GATEWAY_OIDC_AUDIENCE
  value: {{ $g.oidc.audience | quote }}
- name: GATEWAY_SUBJECT_CLAIM
  value: {{ $g.oidc.subjectClaim | quote }}
- name: GATEWAY_GROUPS_CLAIM
  value: {{ $g.oidc.groupsClaim | quote }}
- name: GATEWAY_CORS_ORIGINS
  value: {{ join "," $g.corsOrigins | quote }}
- name: GATEWAY_TRUSTED_PROXIES
  value: {{ join "," $g.trustedProxies | quote }}
- name: GATEWAY_HSTS_MAX_AGE_S
  value: {{ int $g.hstsMaxAgeSeconds | quote }}
- name: GATEWAY_RATE_LIMIT_PER_S
  value: {{ int $g.rateLimitPerS | quote }}
- name: GATEWAY_RATE_LIMIT_BURST
  value: {{ int $g.rateLimitBurst | quote }}
- name: GATEWAY_NATS_TIMEOUT_MS
  value: {{ $g.natsTimeout | quote }}
- name: GATEWAY_REQUEST_TIMEOUT_MS
  value: {{ printf "%ds" (int $g.requestTimeoutSeconds) | quote }}
- name: GATEWAY_BODY_LIMIT_BYTES
  value: {{ int $g.bodyLimitBytes | quote }}
- name: GATEWAY_ACCESS_LOG
  value: {{ $g.accessLog | quote }}
{{- if $g.console.clientId }}
- name: GATEWAY_CONSOLE_DIR
  value: /app/dist/apps/console
- name: GATEWAY_CONSOLE_CLIENT_ID
  value: {{ $g.console.clientId | quote }}
- name: GATEWAY_CONSOLE_SCOPES
  value: {{ $g.console.scopes | quote }}
{{- end }}
{{- end }}
