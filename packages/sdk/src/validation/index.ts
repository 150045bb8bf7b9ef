export { formatAddress, type ParsedAddress, parseAddress } from './address.js';
export { base64DecodedLength, isBase64 } from './base64.js';
export { isValidDomain, isValidEmail, toAsciiDomain } from './email.js';
export {
  findHeaderInjection,
  formatCodePoint,
  type HeaderInjection,
  hasHeaderInjection,
} from './header-injection.js';
export {
  controlHeaderField,
  isControlHeader,
  isReservedHeader,
  reservedHeaderField,
  validateHeaderName,
} from './headers.js';
export { LIMITS } from './limits.js';
export { toFieldPath, toJsonPointer } from './paths.js';
export {
  attachmentContentSize,
  type Channel,
  checkAddress,
  checkAddressList,
  checkAttachment,
  checkDisplayName,
  checkEmail,
  checkHeaders,
  checkHeaderText,
  checkMetadata,
  checkSendMessage,
  checkSubject,
  checkTag,
  type Issue,
  type IssueCode,
} from './rules.js';
export { type ValidateSendMessageOptions, validateSendMessage } from './validate-send-message.js';
