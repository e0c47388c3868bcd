{{/* Labels every object carries. */}}
{{- define "dv.labels" -}}
app.kubernetes.io/part-of: data-volumes
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The selector of one component: (list $ "volume"). */}}
{{- define "dv.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: dv-{{ index . 1 }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
{{- end }}

{{/* Object name of one component: <release>-<component>. */}}
{{- define "dv.name" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" $root.Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "dv.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The NATS URL the platform connects to: the bundled cluster's Service, or the given one. */}}
{{- define "dv.natsUrl" -}}
{{- if .Values.nats.bundled.enabled -}}
nats://{{ include "dv.name" (list . "nats") }}.{{ .Release.Namespace }}.svc:{{ .Values.nats.port }}
{{- else -}}
{{ .Values.nats.url }}
{{- end -}}
{{- end }}

{{/* DV_NATS_<CLIENT>_PASSWORD, as libs/contracts natsPasswordVariable names it. */}}
{{- define "dv.natsPasswordKey" -}}
DV_NATS_{{ . | upper | replace "-" "_" }}_PASSWORD
{{- end }}

{{/* NATS_USER and NATS_PASSWORD of one client: (list $ "volume"). */}}
{{- define "dv.natsEnv" -}}
{{- $root := index . 0 -}}
{{- $user := index . 1 -}}
- name: NATS_USER
  value: {{ $user }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.nats.auth.existingSecret }}
      key: {{ include "dv.natsPasswordKey" $user }}
{{- end }}

{{/* MONGO_URL: from the operator's Secret, or the bundled FerretDB's Service. */}}
{{- define "dv.mongoEnv" -}}
- name: MONGO_URL
{{- if .Values.mongodb.bundled.enabled }}
  value: mongodb://{{ include "dv.name" (list . "ferretdb") }}.{{ .Release.Namespace }}.svc:{{ .Values.mongodb.port }}/
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.mongodb.existingSecret }}
      key: {{ .Values.mongodb.urlKey }}
{{- end }}
{{- end }}

{{/* The environment every service shares. */}}
{{- define "dv.commonEnv" -}}
- name: NATS_URL
  value: {{ include "dv.natsUrl" . | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- with .Values.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/* An operator's extra variables of one service (a map). */}}
{{- define "dv.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{- define "dv.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end }}

{{/* Probes on the health port: /readyz (readiness), /healthz (liveness), and a start-up allowance. (list startupSeconds) */}}
{{- define "dv.probes" -}}
readinessProbe:
  httpGet: { path: /readyz, port: health }
  periodSeconds: 5
# Start-up replays the streams or fetches keys before /healthz answers: liveness waits for it.
startupProbe:
  httpGet: { path: /healthz, port: health }
  periodSeconds: 5
  failureThreshold: {{ div . 5 }}
livenessProbe:
  httpGet: { path: /healthz, port: health }
  periodSeconds: 10
{{- end }}

{{/* Replicas spread over nodes and zones: (list $ "volume"). */}}
{{- define "dv.topologySpread" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.topologySpread.enabled }}
topologySpreadConstraints:
{{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: 1
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "dv.selector" (list $root (index $ 1)) | nindent 8 }}
{{- end }}
{{- end }}
{{- end }}

{{/* NetworkPolicy egress to a dependency: peers (empty: any address) on ports. (dict "peers" .. "ports" ..) */}}
{{- define "dv.egressTo" -}}
- ports:
{{- range .ports }}
    - { protocol: TCP, port: {{ . }} }
{{- end }}
{{- with .peers }}
  to:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end }}

{{/* Egress every platform pod needs: DNS, and NATS. */}}
{{- define "dv.egressBase" -}}
- ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
{{- if .Values.nats.bundled.enabled }}
- ports:
    - { protocol: TCP, port: {{ .Values.nats.port }} }
  to:
    - podSelector:
        matchLabels:
          {{- include "dv.selector" (list . "nats") | nindent 10 }}
{{- else }}
{{ include "dv.egressTo" (dict "peers" .Values.nats.networkPeers "ports" (list .Values.nats.port)) }}
{{- end }}
{{- end }}

{{- define "dv.egressMongo" -}}
{{- if .Values.mongodb.bundled.enabled }}
- ports:
    - { protocol: TCP, port: {{ .Values.mongodb.port }} }
  to:
    - podSelector:
        matchLabels:
          {{- include "dv.selector" (list . "ferretdb") | nindent 10 }}
{{- else }}
{{ include "dv.egressTo" (dict "peers" .Values.mongodb.networkPeers "ports" (list .Values.mongodb.port)) }}
{{- end }}
{{- end }}

{{- define "dv.egressKubeApi" -}}
{{ include "dv.egressTo" (dict "peers" .Values.kubernetesApi.networkPeers "ports" .Values.kubernetesApi.ports) }}
{{- end }}

{{/* Ingress on the health port (probes, metrics). */}}
{{- define "dv.ingressHealth" -}}
- ports:
    - { protocol: TCP, port: 8080 }
{{- with .Values.networkPolicy.metricsFrom }}
  from:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end }}
