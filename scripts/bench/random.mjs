// Seeded pseudo-random numbers, shared by the bench's data set and test/cron-scale.test.ts, so a
// data set is the same on every run and machine.

/** mulberry32: a small, fast generator of numbers in [0, 1); plenty to spread test data. */
export function random(seed) {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}
