/*
Copyright 2026 The loginprofile-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package cloud

// PasswordPolicy is an account's password policy, as far as it constrains a password's content:
// the rules every cloud's policy is made of. A zero field imposes nothing.
type PasswordPolicy struct {
	// MinLength and MaxLength bound the length in characters; 0 is no bound.
	MinLength, MaxLength int
	// RequireUpper, RequireLower, RequireDigit and RequireSymbol each ask for one character of
	// the class (a symbol is any character that is not an ASCII letter or digit).
	RequireUpper, RequireLower, RequireDigit, RequireSymbol bool
	// MinClasses asks for characters of at least this many of those four classes (Huawei Cloud's
	// password_char_combination).
	MinClasses int
	// MaxRepeated refuses a run of one character longer than this (Huawei Cloud's
	// maximum_consecutive_identical_chars); 0 is no limit.
	MaxRepeated int
	// MinDistinct asks for at least this many different characters (Alibaba Cloud's
	// MinimumPasswordDifferentCharacter).
	MinDistinct int
	// NoUserName refuses a password that contains the user's name, case-insensitively (Alibaba
	// Cloud: the part of the user principal name before "@"); NoUserNameReversed also refuses the
	// name reversed (Huawei Cloud's password_not_username_or_invert).
	NoUserName, NoUserNameReversed bool
	// ReusePrevention refuses the user's last N passwords (the current one included); the history
	// outlives a deleted login profile. 0 is off.
	ReusePrevention int
}
