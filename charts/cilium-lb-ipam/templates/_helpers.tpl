{{- define "lb-ipam.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aggrik8s
aggrik8s.io/cluster: {{ .Values.cluster | quote }}
{{- end }}
