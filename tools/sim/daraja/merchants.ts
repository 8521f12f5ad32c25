/** Shortcodes the simulator knows, with the Lipa na M-Pesa Online passkeys that sign STK calls. */
import { merchantDoesNotExist, wrongCredentials } from './errors';

/** Safaricom's public sandbox values (PROTOCOLS.md part A); the simulator's defaults. */
export const SANDBOX = {
	shortcode: '174379',
	passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
	msisdn: '254708374149',
	/** The sandbox's C2B test shortcodes are in the 600000 series. */
	c2bShortcode: '600000'
} as const;

export interface ShortcodeConfig {
	/** BusinessShortCode: the paybill, or for a till the store (head office) number. */
	shortcode: string;
	passkey: string;
	/**
	 * paybill takes only CustomerPayBillOnline, till only CustomerBuyGoodsOnline (anything else is
	 * answered with callback ResultCode 2028). Left out, like the sandbox shortcode, both work.
	 */
	type?: 'paybill' | 'till';
	/** PartyB of buy-goods pushes; defaults to the shortcode. */
	tillNumber?: string;
}

/** STK Password: base64(BusinessShortCode + passkey + Timestamp). */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
	return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64');
}

export class MerchantDirectory {
	private readonly byShortcode = new Map<string, ShortcodeConfig>();

	constructor(
		shortcodes: ShortcodeConfig[],
		/** When true, an unknown 5–7 digit shortcode is taken as untyped with `fallbackPasskey`. */
		private readonly acceptAnyShortcode: boolean,
		private readonly fallbackPasskey: string
	) {
		for (const config of shortcodes) this.byShortcode.set(config.shortcode, config);
	}

	get all(): ShortcodeConfig[] {
		return [...this.byShortcode.values()];
	}

	/** The shortcode's settings if the Password was made with its passkey and this Timestamp. */
	authenticate(shortcode: string, password: string, timestamp: string): ShortcodeConfig {
		const config =
			this.byShortcode.get(shortcode) ??
			(this.acceptAnyShortcode ? { shortcode, passkey: this.fallbackPasskey } : undefined);
		if (!config) throw merchantDoesNotExist();
		if (password !== stkPassword(shortcode, config.passkey, timestamp)) throw wrongCredentials();
		return config;
	}
}
