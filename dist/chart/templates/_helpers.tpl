{{/* The chart's name, nameOverride when set. */}}
{{- define "loginprofile-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name, the prefix of every object's name: fullnameOverride when set, else the
release name when it contains the chart's name, else <release>-<chart>.
*/}}
{{- define "loginprofile-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "loginprofile-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "loginprofile-operator.labels" -}}
helm.sh/chart: {{ include "loginprofile-operator.chart" . }}
{{ include "loginprofile-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the manager's pods. */}}
{{- define "loginprofile-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loginprofile-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "loginprofile-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "loginprofile-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The subject every binding grants its role to. */}}
{{- define "loginprofile-operator.subject" -}}
- kind: ServiceAccount
  name: {{ include "loginprofile-operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}

{{/*
The shards, as a YAML list: .Values.shards, checked (each name once: it names a Deployment and a
Lease), or one shard without name or selector (one Deployment for every ProviderConfig).
*/}}
{{- define "loginprofile-operator.shards" -}}
{{- $seen := dict }}
{{- range .Values.shards }}
{{- if hasKey $seen .name }}
{{- fail (printf "shards: the name %q is used twice; each shard needs its own (it names the shard's Deployment and leader election Lease)" .name) }}
{{- end }}
{{- $_ := set $seen .name true }}
{{- end }}
{{- if .Values.shards }}
{{- toYaml .Values.shards }}
{{- else }}
- {}
{{- end }}
{{- end }}

{{/* The label that tells the pods of one shard from another's. */}}
{{- define "loginprofile-operator.shardLabel" -}}
iam.loginprofile.io/shard
{{- end }}

{{/* The name of a shard's Deployment and PodDisruptionBudget: <fullname>-<shard>, or <fullname> without shards. */}}
{{- define "loginprofile-operator.deploymentName" -}}
{{- $full := include "loginprofile-operator.fullname" .root }}
{{- if .shard.name }}
{{- $name := printf "%s-%s" $full .shard.name }}
{{- if gt (len $name) 63 }}
{{- fail (printf "shards: the Deployment name %q is longer than 63 characters: shorten the shard's name or fullnameOverride" $name) }}
{{- end }}
{{- $name }}
{{- else }}
{{- $full }}
{{- end }}
{{- end }}
