/** Injection token of the {@link RelyingParty} (null when no issuer is trusted). */
export const RELYING_PARTY = Symbol('RELYING_PARTY');
/** Injection token of the {@link RoleMapping} (null when no issuer is trusted). */
export const ROLE_MAPPING = Symbol('ROLE_MAPPING');
