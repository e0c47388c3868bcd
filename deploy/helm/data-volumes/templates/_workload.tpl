{{/*
The Deployment, health Service and PodDisruptionBudget of one service, from a dict:
  root, name (the component and NATS user), values (its block of values), startupSeconds,
  kube (whether it talks to the Kubernetes API: its own token is mounted), mongo (whether it needs MONGO_URL),
  env, ports, volumes, volumeMounts, container (extra container fields), pod (extra pod spec fields): YAML strings; recreate (bool).
*/}}
{{- define "dv.service" -}}
{{- $root := .root -}}
{{- $name := .name -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "dv.name" (list $root $name) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "dv.labels" $root | nindent 4 }}
    app.kubernetes.io/name: dv-{{ $name }}
spec:
  replicas: {{ .values.replicas }}
  {{- if .recreate }}
  strategy:
    type: Recreate
  {{- end }}
  selector:
    matchLabels:
      {{- include "dv.selector" (list $root $name) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "dv.labels" $root | nindent 8 }}
        app.kubernetes.io/name: dv-{{ $name }}
    spec:
      serviceAccountName: {{ include "dv.name" (list $root $name) }}
      # Only the services that call the Kubernetes API carry a token.
      automountServiceAccountToken: {{ .kube }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .pod }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- include "dv.topologySpread" (list $root $name) | nindent 6 }}
      containers:
        - name: {{ $name }}
          image: {{ include "dv.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          env:
            - name: SERVICE
              value: {{ $name }}
            {{- include "dv.commonEnv" $root | nindent 12 }}
            {{- include "dv.natsEnv" (list $root $name) | nindent 12 }}
            {{- if .mongo }}
            {{- include "dv.mongoEnv" $root | nindent 12 }}
            {{- end }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- include "dv.extraEnv" .values.env | nindent 12 }}
          ports:
            - { name: health, containerPort: 8080 }
            {{- with .ports }}
            {{- . | nindent 12 }}
            {{- end }}
          {{- include "dv.probes" .startupSeconds | nindent 10 }}
          {{- with .container }}
          {{- . | nindent 10 }}
          {{- end }}
          securityContext:
            {{- include "dv.containerSecurityContext" $root | nindent 12 }}
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
            {{- with .volumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "dv.name" (list $root (printf "%s-health" $name)) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "dv.labels" $root | nindent 4 }}
    app.kubernetes.io/name: dv-{{ $name }}
spec:
  selector:
    {{- include "dv.selector" (list $root $name) | nindent 4 }}
  ports:
    - name: health
      port: 8080
      targetPort: health
---
# At most one pod of it down at a time by a voluntary disruption (a drain, an upgrade of nodes).
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "dv.name" (list $root $name) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "dv.labels" $root | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "dv.selector" (list $root $name) | nindent 6 }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "dv.name" (list $root $name) }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "dv.labels" $root | nindent 4 }}
automountServiceAccountToken: false
{{- end }}
