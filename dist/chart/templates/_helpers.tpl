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
