/**
 * A refusal's message as shown next to its field: the server prefixes a validation message with the
 * field's path ("domains.allowed.1: Enter a domain…"), which the field itself already says.
 */
export function fieldMessage(message: string, field: string | undefined): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
